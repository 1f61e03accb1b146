/**
 * The parts of {@code edgespot demo}: an in-process origin ({@link io.edgespot.proxy.demo.DemoOrigin}), the
 * generated certificate, keys and config ({@link io.edgespot.proxy.demo.DemoSetup}), and the text printed on
 * start ({@link io.edgespot.proxy.demo.DemoBanner}).
 */
package io.edgespot.proxy.demo;
