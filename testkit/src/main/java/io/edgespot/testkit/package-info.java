/**
 * Support for the tests of every module, used at test scope only: with this jar on a test class path (and
 * {@code junit.jupiter.extensions.autodetection.enabled=true}), a test class fails when Netty reports a resource
 * leak while it ran.
 */
package io.edgespot.testkit;
