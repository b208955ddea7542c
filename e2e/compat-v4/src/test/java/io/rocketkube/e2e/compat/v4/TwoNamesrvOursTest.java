package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.TwoNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

class TwoNamesrvOursTest extends TwoNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.OURS;
    }
}
