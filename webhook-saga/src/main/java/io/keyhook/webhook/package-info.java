/**
 * Webhook dispatch and delivery: the dispatcher that turns domain events into deliveries, the
 * DeliverySaga whose persisted deadlines drive each attempt and its backoff, signing and the HTTP
 * sender.
 */
package io.keyhook.webhook;
