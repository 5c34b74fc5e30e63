package io.factorytwin.simulation.input;

/**
 * One implausible value in a weather file that the reader replaced by interpolation.
 *
 * @param line 1-based line number in the file
 * @param field EPW field name, such as {@code dew_point_c}
 * @param value the value as read
 * @param reason why the value was not trusted, with the limit it broke
 */
public record WeatherAnomaly(int line, String field, double value, String reason) {}
