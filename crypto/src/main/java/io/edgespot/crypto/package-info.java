/** edgespot crypto module. */
package io.edgespot.crypto;
