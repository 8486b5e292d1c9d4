package io.keyhook.api.apikey;

/**
 * Subscription: answers every key's credentials, then every change to one (issue, rotation,
 * revocation), so each server instance keeps its authentication cache current without polling.
 */
public record WatchApiKeyCredentials() {
}
