package io.rocketkube.e2e.compat.v5;

import io.rocketkube.e2e.compat.TwoNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

class TwoNamesrvOursV5Test extends TwoNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.OURS;
    }
}
