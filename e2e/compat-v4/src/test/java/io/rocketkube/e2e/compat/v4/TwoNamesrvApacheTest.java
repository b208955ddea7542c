package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.TwoNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

class TwoNamesrvApacheTest extends TwoNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.APACHE;
    }
}
