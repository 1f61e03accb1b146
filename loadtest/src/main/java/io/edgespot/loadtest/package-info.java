/** edgespot loadtest module. */
package io.edgespot.loadtest;
