package io.rocketkube.broker.stats;

/** The request pools whose queues the runtime info reports, named as the reference names them. */
public interface RequestQueues {
    QueueSnapshot send();

    QueueSnapshot pull();

    /** The pool that serves message queries (QUERY_MESSAGE, VIEW_MESSAGE_BY_ID). */
    QueueSnapshot query();
}
