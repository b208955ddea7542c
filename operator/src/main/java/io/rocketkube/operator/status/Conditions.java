package io.rocketkube.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Kubernetes-style conditions: lastTransitionTime moves only when the status flips. */
public final class Conditions {

    private Conditions() {}

    /** The list with {@code type} set; the other conditions are kept as they are. */
    public static List<Condition> set(
            List<Condition> current,
            String type,
            boolean status,
            String reason,
            String message,
            Long generation,
            Instant now) {
        return set(current, type, status, reason, message, generation, now, false);
    }

    /**
     * As {@link #set}, but with {@code restart} the lastTransitionTime is {@code now} even when the
     * status stays: for a condition whose age is measured per phase (Progressing's deadline).
     */
    public static List<Condition> set(
            List<Condition> current,
            String type,
            boolean status,
            String reason,
            String message,
            Long generation,
            Instant now,
            boolean restart) {
        List<Condition> next = new ArrayList<>();
        String value = status ? "True" : "False";
        boolean found = false;
        for (Condition c : current == null ? List.<Condition>of() : current) {
            if (c.getType().equals(type)) {
                found = true;
                String since = !restart && Objects.equals(c.getStatus(), value) && c.getLastTransitionTime() != null
                        ? c.getLastTransitionTime()
                        : format(now);
                next.add(condition(type, value, reason, message, generation, since));
            } else {
                next.add(c);
            }
        }
        if (!found) {
            next.add(condition(type, value, reason, message, generation, format(now)));
        }
        return next;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    public static String format(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Condition condition(
            String type, String status, String reason, String message, Long generation, String since) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }
}
