package io.rocketkube.e2e.compat.v5;

import io.rocketkube.e2e.testkit.NamesrvKind;

class KvConfigOnApacheNamesrvV5Test extends KvConfigScenario {
  @Override
  NamesrvKind namesrvKind() {
    return NamesrvKind.APACHE;
  }
}
