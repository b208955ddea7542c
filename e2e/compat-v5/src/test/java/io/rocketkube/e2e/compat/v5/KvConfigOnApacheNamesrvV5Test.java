package io.rocketkube.e2e.compat.v5;

import io.rocketkube.e2e.compat.KvConfigScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

class KvConfigOnApacheNamesrvV5Test extends KvConfigScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.APACHE;
    }
}
