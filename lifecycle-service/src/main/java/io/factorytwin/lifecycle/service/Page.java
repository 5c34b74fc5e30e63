package io.factorytwin.lifecycle.service;

import java.util.List;

/**
 * One page of a List call.
 *
 * @param items the rows of this page
 * @param nextPageToken the token for the next page; empty on the last page
 */
public record Page<T>(List<T> items, String nextPageToken) {}
