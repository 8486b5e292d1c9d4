package io.keyhook.server.web;

/** Validated {@code page} and {@code size} query parameters. */
public record Paging(int page, int size) {

    public static final int MAX_SIZE = 100;

    public static Paging of(int page, int size) {
        if (page < 0) {
            throw ApiProblem.invalidField("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw ApiProblem.invalidField("size", "must be between 1 and " + MAX_SIZE);
        }
        return new Paging(page, size);
    }
}
