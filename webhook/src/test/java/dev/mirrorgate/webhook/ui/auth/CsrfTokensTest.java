package dev.mirrorgate.webhook.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CsrfTokensTest {
  private final CsrfTokens tokens = new CsrfTokens(new SecureRandom());

  @Test
  void everyMaskedTokenIsDifferentAndCarriesTheSecret() {
    byte[] secret = tokens.newSecret();
    Set<String> shown = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String masked = tokens.mask(secret);
      assertThat(CsrfTokens.matches(secret, masked)).isTrue();
      shown.add(masked);
    }
    assertThat(shown).hasSize(50);
  }

  @Test
  void anotherSessionsTokenDoesNotMatch() {
    assertThat(CsrfTokens.matches(tokens.newSecret(), tokens.mask(tokens.newSecret()))).isFalse();
  }

  @Test
  void aTamperedTokenDoesNotMatch() {
    byte[] secret = tokens.newSecret();
    byte[] token = Base64.getUrlDecoder().decode(tokens.mask(secret));
    token[40] ^= 1;
    assertThat(
            CsrfTokens.matches(
                secret, Base64.getUrlEncoder().withoutPadding().encodeToString(token)))
        .isFalse();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"not base64 !", "c2hvcnQ", "x"})
  void malformedTokensDoNotMatch(String presented) {
    assertThat(CsrfTokens.matches(tokens.newSecret(), presented)).isFalse();
  }

  @Test
  void headerCallersHaveAStableSecretPerUser() {
    Caller alice = new Caller("alice", Caller.Via.BASIC, null, null);
    Caller bob = new Caller("bob", Caller.Via.BASIC, null, null);
    assertThat(tokens.secretOf(alice)).isEqualTo(tokens.secretOf(alice));
    assertThat(tokens.secretOf(alice)).isNotEqualTo(tokens.secretOf(bob));
    assertThat(CsrfTokens.matches(tokens.secretOf(alice), tokens.mask(tokens.secretOf(bob))))
        .isFalse();
    // another process (replica) derives other secrets
    assertThat(new CsrfTokens(new SecureRandom()).secretOf(alice))
        .isNotEqualTo(tokens.secretOf(alice));
  }
}
