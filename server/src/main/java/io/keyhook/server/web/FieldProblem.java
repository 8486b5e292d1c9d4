package io.keyhook.server.web;

/** One entry of a validation problem's {@code errors} list. */
public record FieldProblem(String field, String message) {
}
