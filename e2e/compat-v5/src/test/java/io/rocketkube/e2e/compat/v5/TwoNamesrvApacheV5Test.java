package io.rocketkube.e2e.compat.v5;

import io.rocketkube.e2e.testkit.NamesrvKind;

class TwoNamesrvApacheV5Test extends TwoNamesrvScenario {
  @Override
  NamesrvKind namesrvKind() {
    return NamesrvKind.APACHE;
  }
}
