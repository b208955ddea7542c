package io.rocketkube.client.protocol;

import java.util.Map;
import java.util.TreeMap;

/**
 * Body of QUERY_CORRECTION_OFFSET: queue id to offset. Queue ids are written as quoted keys, which fastjson reads
 * back as the reference's Integer keys (§3.1).
 */
public record QueryCorrectionOffsetBody(Map<Integer, Long> correctionOffsets) {
    public QueryCorrectionOffsetBody {
        correctionOffsets = correctionOffsets == null ? Map.of() : new TreeMap<>(correctionOffsets);
    }
}
