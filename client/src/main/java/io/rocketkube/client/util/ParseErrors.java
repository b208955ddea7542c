package io.rocketkube.client.util;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A parse failure told without the parsed text. Jackson's messages quote the value they choke on, and the files
 * parsed this way (an ACL file, a Secret's value) hold secret keys; their errors end up in logs and in Kubernetes
 * Events that more people can read than the Secret.
 */
public final class ParseErrors {

    private ParseErrors() {}

    /** For example "MismatchedInputException at line 3, column 7". */
    public static String withoutContent(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where =
                at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return e.getClass().getSimpleName() + where;
    }
}
