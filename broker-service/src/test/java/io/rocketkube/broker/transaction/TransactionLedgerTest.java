package io.rocketkube.broker.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.broker.transaction.TransactionLedger.Outcome;
import org.junit.jupiter.api.Test;

/** Claims settle a chain once; the floor forgets only what the check scan has passed with no copy alive. */
class TransactionLedgerTest {

    @Test
    void aChainIsClaimedOnceAndAFailedWriteGivesTheClaimBack() {
        TransactionLedger ledger = new TransactionLedger();
        assertThat(ledger.claim(3)).isNull();
        assertThat(ledger.claim(3)).isEqualTo(Outcome.PENDING);
        ledger.release(3);
        assertThat(ledger.isOpen(3)).isTrue();
        assertThat(ledger.claim(3)).isNull();
        ledger.settle(3, Outcome.COMMITTED);
        assertThat(ledger.claim(3)).isEqualTo(Outcome.COMMITTED);
        assertThat(ledger.isOpen(3)).isFalse();
    }

    @Test
    void theFloorStopsAtTheOldestChainWithALiveCopyAndForgetsOnlyBelowIt() {
        TransactionLedger ledger = new TransactionLedger();
        ledger.settle(0, Outcome.ROLLED_BACK);
        ledger.settle(4, Outcome.COMMITTED);
        ledger.copied(2, 9);
        ledger.advanceFloor(10);
        assertThat(ledger.floor()).isEqualTo(2);
        assertThat(ledger.claim(0)).as("below the floor: settled long ago").isEqualTo(Outcome.FORGOTTEN);
        assertThat(ledger.claim(4)).as("above the floor: still remembered").isEqualTo(Outcome.COMMITTED);
        assertThat(ledger.claim(2)).as("the live chain can still be settled").isNull();
        ledger.settle(2, Outcome.COMMITTED);
        assertThat(ledger.liveCopies()).isZero();
        ledger.advanceFloor(10);
        assertThat(ledger.floor()).isEqualTo(10);
        assertThat(ledger.remembered()).isZero();
        assertThat(ledger.claim(4)).isEqualTo(Outcome.FORGOTTEN);
    }

    @Test
    void aCopyWrittenWhileItsChainWasSettledDoesNotHoldTheFloor() {
        TransactionLedger ledger = new TransactionLedger();
        assertThat(ledger.claim(1)).isNull();
        ledger.settle(1, Outcome.COMMITTED);
        ledger.copied(1, 7);
        assertThat(ledger.liveCopies()).isZero();
        ledger.advanceFloor(8);
        assertThat(ledger.floor()).isEqualTo(8);
    }

    @Test
    void aPendingClaimSurvivesTheFloorPassingIt() {
        TransactionLedger ledger = new TransactionLedger();
        assertThat(ledger.claim(1)).isNull();
        ledger.advanceFloor(5);
        ledger.settle(1, Outcome.COMMITTED);
        assertThat(ledger.claim(1)).isEqualTo(Outcome.FORGOTTEN);
    }
}
