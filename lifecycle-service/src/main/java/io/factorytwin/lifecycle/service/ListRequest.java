package io.factorytwin.lifecycle.service;

/** The paging, filter and order fields that every List call takes, as the client sent them. */
public record ListRequest(int pageSize, String pageToken, String filter, String orderBy) {}
