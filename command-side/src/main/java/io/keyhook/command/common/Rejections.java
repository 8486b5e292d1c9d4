package io.keyhook.command.common;

import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;

/**
 * A refused command travels as a {@link CommandExecutionException} whose details are the
 * {@link ErrorCode}: both survive the local and the distributed command bus.
 */
public final class Rejections {

    private Rejections() {
    }

    public static CommandExecutionException rejected(ErrorCode code, String message) {
        return new CommandExecutionException(message, null, code);
    }
}
