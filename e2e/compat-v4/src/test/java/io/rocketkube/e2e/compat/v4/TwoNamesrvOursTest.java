package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.testkit.NamesrvKind;

class TwoNamesrvOursTest extends TwoNamesrvScenario {
  @Override
  NamesrvKind namesrvKind() {
    return NamesrvKind.OURS;
  }
}
