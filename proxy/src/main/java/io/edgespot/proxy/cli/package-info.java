/** The {@code edgespot} command line. */
package io.edgespot.proxy.cli;
