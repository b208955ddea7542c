package io.rocketkube.e2e.cluster.api;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The stand-in's API server, run as its own process: fabric8's CRUD mock on one loopback address
 * and port (plain HTTP), behind {@link DiscoveryDispatcher}. Arguments: {@code <host> <port>}.
 * Prints {@code api-server listening on http://host:port} once it accepts requests, then runs
 * until killed. The store is in memory: a restart starts empty.
 */
public final class ApiServerMain {

    private ApiServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ApiServerMain <loopback-host> <port>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("refusing to listen on non-loopback address " + host);
            System.exit(2);
        }
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                new HashMap<>(),
                new DiscoveryDispatcher(crud, host + ":" + port),
                false);
        server.init(InetAddress.getByName(host), port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "api-server-stop"));
        System.out.println("api-server listening on http://" + host + ":" + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
