package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.KvConfigScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

class KvConfigOnOurNamesrvTest extends KvConfigScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.OURS;
    }
}
