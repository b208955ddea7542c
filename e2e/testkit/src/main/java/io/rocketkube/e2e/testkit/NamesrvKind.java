package io.rocketkube.e2e.testkit;

/** Which NameServer a scenario runs against: the same test runs against both. */
public enum NamesrvKind {
    /** Our Quarkus app, namesrv-service/target/quarkus-app/quarkus-run.jar: the real test. */
    OURS {
        @Override
        public NameServerNode create(String name) {
            return OurNamesrv.builder(name).build();
        }
    },
    /** The official Apache RocketMQ 4.9.7 NameServer: proves the harness and the test itself. */
    APACHE {
        @Override
        public NameServerNode create(String name) {
            return ApacheNamesrv.builder(name).build();
        }
    };

    /** Builds a node (addresses and data dir allocated) without starting it. */
    public abstract NameServerNode create(String name);

    /** Builds and starts a node, waiting until it is ready. */
    public NameServerNode start(String name) {
        NameServerNode node = create(name);
        node.start();
        return node;
    }
}
