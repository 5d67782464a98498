package dev.ambit.waypoint.jwt;

import java.util.Map;

/**
 * A token that passed validation.
 *
 * @param header the header it came in, removed before forwarding unless the rule keeps it
 * @param claims its claims as JSON values (maps, lists, strings, numbers, booleans); dates are epoch seconds
 */
public record VerifiedJwt(String issuer, String subject, String header, boolean forward, Map<String, Object> claims) {
}
