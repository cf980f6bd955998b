package dev.mirrorgate.webhook.ui.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PagingTest {
  private static final List<Integer> ITEMS = IntStream.range(0, 250).boxed().toList();

  @ParameterizedTest(name = "limit {0}: {1} pages")
  @CsvSource({"'', 3", "100, 3", "1, 250", "250, 1", "1000, 1", "7, 36"})
  void followingContinueTokensVisitEveryItemOnce(String limit, int pages) {
    List<Integer> seen = new ArrayList<>();
    String token = null;
    int count = 0;
    do {
      Paging.Page<Integer> page = Paging.parse(limit, token).apply(ITEMS);
      assertThat(page.total()).isEqualTo(250);
      seen.addAll(page.items());
      token = page.next();
      count++;
    } while (token != null);
    assertThat(seen).isEqualTo(ITEMS);
    assertThat(count).isEqualTo(pages);
  }

  @ParameterizedTest(name = "limit={0} continue={1}: {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "0     | null          | limit: 0 is not between 1 and 1000",
        "1001  | null          | limit: 1001 is not between 1 and 1000",
        "ten   | null          | limit: \"ten\" is not a number",
        "null  | garbage!      | continue: not a token from a previous page of this list",
        "null  | bzotMQ        | continue: not a token from a previous page of this list",
        "null  | eDox          | continue: not a token from a previous page of this list",
      })
  void badParametersAreNamed(String limit, String token, String message) {
    assertThatThrownBy(() -> Paging.parse(limit, token)).hasMessage(message);
  }

  @Test
  void aTokenPastTheEndGivesAnEmptyLastPage() {
    String token = Paging.parse("200", null).apply(ITEMS).next();
    Paging.Page<Integer> last = Paging.parse("200", token).apply(ITEMS.subList(0, 100));
    assertThat(last.items()).isEmpty();
    assertThat(last.next()).isNull();
  }
}
