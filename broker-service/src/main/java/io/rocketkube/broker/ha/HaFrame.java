package io.rocketkube.broker.ha;

/**
 * The classic RocketMQ HA wire format (4.x, and 5.x's DefaultHAService), plain TCP without remoting framing.
 * <pre>
 * slave → master, a report (at connect, after applying data, and at least every heartbeat interval):
 *   0  8  MAX_OFFSET   the slave's CommitLog max physical offset, big-endian
 *
 * master → slave, a frame (body empty = heartbeat):
 *   0  8  PHY_OFFSET   physical offset of the first body byte (of a heartbeat: the next offset to send)
 *   8  4  BODY_SIZE    bytes that follow, at most the transfer batch size
 *   12 .  BODY         raw CommitLog bytes, cut anywhere (records may span frames)
 * </pre>
 */
final class HaFrame {
    static final int REPORT_SIZE = 8;
    static final int PHY_OFFSET_OFFSET = 0;
    static final int BODY_SIZE_OFFSET = PHY_OFFSET_OFFSET + 8;
    static final int HEADER_SIZE = BODY_SIZE_OFFSET + 4;

    private HaFrame() {}
}
