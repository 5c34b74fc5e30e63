package io.factorytwin.lifecycle.service;

/**
 * One error in a design document.
 *
 * @param elementPath path of the offending element, such as {@code designs[0].placements[17].id}
 * @param message what is wrong and how to fix it
 * @param line line of the element, counted from 1; 0 when unknown
 * @param column column of the element, counted from 1; 0 when unknown
 */
public record DocumentError(String elementPath, String message, int line, int column) {}
