package io.keyhook.webhook.target;

/** A webhook URL that may not be called; the message says why, for the client or the attempt's error. */
public class TargetRefusedException extends RuntimeException {

    public TargetRefusedException(String message) {
        super(message, null, false, false);
    }
}
