package io.aqueduct.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriPasswordTest {

    @Test
    void masksOnlyThePassword() {
        assertThat(UriPassword.mask("mongodb://u:p@h/db")).isEqualTo("mongodb://u:***@h/db");
        assertThat(UriPassword.mask("mongodb+srv://aq:s3cret@cluster0.example.net/aq?authSource=admin"))
                .isEqualTo("mongodb+srv://aq:***@cluster0.example.net/aq?authSource=admin");
        assertThat(UriPassword.mask("mongodb+srv://h/db")).isEqualTo("mongodb+srv://h/db");
        assertThat(UriPassword.mask("mongodb://user@h/db")).as("no password").isEqualTo("mongodb://user@h/db");
        assertThat(UriPassword.mask("10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(UriPassword.mask(null)).isNull();
    }

    @Test
    void anUnencodedAtInThePasswordIsStillMasked() {
        assertThat(UriPassword.of("mongodb://u:p@ss@h:27017/?authSource=admin")).isEqualTo("p@ss");
        assertThat(UriPassword.mask("mongodb://u:p@ss@h:27017/?authSource=admin"))
                .isEqualTo("mongodb://u:***@h:27017/?authSource=admin");
        assertThat(UriPassword.mask("mongodb://h/?appName=a@b")).as("an '@' in the options is no user info")
                .isEqualTo("mongodb://h/?appName=a@b");
    }

    @Test
    void masksThePasswordQuotedInAMessage() {
        assertThat(UriPassword.maskIn("bad port in mongodb://u:pw1@h:99999", "mongodb://u:pw1@h:99999"))
                .isEqualTo("bad port in mongodb://u:***@h:99999");
    }
}
