package io.aqueduct.cluster.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MongoTargetTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.5               | 10.0.0.5",
        "localhost              | localhost",
        "db1:27018              | db1:27018",
        "[fd00::5]              | [fd00::5]",
        "[fd00::5]:27018        | [fd00::5]:27018",
        "db1,db2:27018          | db1",
        "'  10.0.0.5  '         | 10.0.0.5",
    })
    void bareAddressesBecomeAUriOnTheDefaultDatabase(String text, String firstHost) {
        MongoTarget target = MongoTarget.parse(text);

        assertThat(target.isEmbedded()).isFalse();
        assertThat(target.isSrv()).isFalse();
        assertThat(target.database()).isEqualTo("aqueduct");
        assertThat(target.connectionString().getHosts().get(0)).isEqualTo(firstHost);
        assertThat(target.connectionString().getCredential()).isNull();
    }

    @Test
    void aReplicaSetListKeepsEveryHost() {
        assertThat(MongoTarget.parse("db1,db2:27018,[fd00::7]").connectionString().getHosts())
                .containsExactlyInAnyOrder("db1", "db2:27018", "[fd00::7]");
    }

    @Test
    void aUriGivesCredentialsDatabaseAndOptions() {
        MongoTarget target = MongoTarget.parse("mongodb://aq:s3cret@db1:27018,db2/streaming?authSource=admin");

        assertThat(target.database()).isEqualTo("streaming");
        assertThat(target.connectionString().getHosts()).containsExactly("db1:27018", "db2");
        assertThat(target.connectionString().getUsername()).isEqualTo("aq");
        assertThat(target.connectionString().getPassword()).containsExactly("s3cret".toCharArray());
        assertThat(target.connectionString().getCredential().getSource()).isEqualTo("admin");
    }

    @Test
    void aUriWithoutDatabaseUsesTheDefault() {
        assertThat(MongoTarget.parse("mongodb://aq:pw@10.0.0.5/?authSource=admin").database()).isEqualTo("aqueduct");
        assertThat(MongoTarget.parse("mongodb://10.0.0.5").database()).isEqualTo("aqueduct");
    }

    @Test
    void anSrvUriIsAcceptedWithoutALookup() {
        MongoTarget target = MongoTarget.parse("mongodb+srv://aq:pw@cluster0.example.net/live");

        assertThat(target.isSrv()).isTrue();
        assertThat(target.database()).isEqualTo("live");
        assertThat(target.connectionString().getHosts()).containsExactly("cluster0.example.net");
    }

    @Test
    void embeddedIsTheLoopbackRegistryOnTheGivenPort() {
        MongoTarget byDefault = MongoTarget.parse("embedded");
        MongoTarget onPort = MongoTarget.parse("EMBEDDED", 27117);

        assertThat(byDefault.isEmbedded()).isTrue();
        assertThat(byDefault.connectionString().getHosts()).containsExactly("127.0.0.1:27017");
        assertThat(byDefault.database()).isEqualTo("aqueduct");
        assertThat(onPort.connectionString().getHosts()).containsExactly("127.0.0.1:27117");
        assertThat(onPort).hasToString("embedded (mongodb://127.0.0.1:27117/)");
        assertThatThrownBy(() -> MongoTarget.parse("embedded", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 0");
    }

    @Test
    void embeddedBoundToAnAddressIsReachedThereAndAWildcardOnLoopback() {
        assertThat(MongoTarget.parse("embedded", "10.0.0.5", 27017).connectionString().getHosts())
                .containsExactly("10.0.0.5:27017");
        assertThat(MongoTarget.parse("embedded", "0.0.0.0", 27017).connectionString().getHosts())
                .containsExactly("127.0.0.1:27017");
        assertThat(MongoTarget.parse("embedded", "::", 27017).connectionString().getHosts())
                .containsExactly("127.0.0.1:27017");
        assertThat(MongoTarget.parse("embedded", "fd00::5", 27017).connectionString().getHosts())
                .containsExactly("[fd00::5]:27017");
    }

    @Test
    void thePasswordIsNeverShown() {
        MongoTarget target = MongoTarget.parse("mongodb://aq:s3cret@db1/?authSource=admin");
        MongoTarget encoded = MongoTarget.parse("mongodb+srv://aq:p%40ss%3Aw@cluster0.example.net/live");

        assertThat(target.redacted()).isEqualTo("mongodb://aq:***@db1/?authSource=admin");
        assertThat(target.toString()).doesNotContain("s3cret");
        assertThat(encoded.toString()).isEqualTo("mongodb+srv://aq:***@cluster0.example.net/live");
        assertThat(encoded.connectionString().getPassword()).containsExactly("p@ss:w".toCharArray());
        // a user without a password (X.509) has nothing to hide
        assertThat(MongoTarget.parse("mongodb://CN=aq@db1/?authMechanism=MONGODB-X509").toString())
                .isEqualTo("mongodb://CN=aq@db1/?authMechanism=MONGODB-X509");
    }

    @Test
    void aBadUriDoesNotShowItsPasswordInTheError() {
        assertThatThrownBy(() -> MongoTarget.parse("mongodb://aq:s3cret@db1:99999/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("aq:***@db1:99999");
    }

    @Test
    void aPasswordWithAnUnencodedAtIsRefusedAndStillMasked() {
        // the last '@' ends the user info, so all of "p@ss" is masked, not just "p"
        assertThatThrownBy(() -> MongoTarget.parse("mongodb://aq:p@ss@db1/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mongodb://aq:***@db1/'")
                .hasMessageContaining("urlencoded")
                .hasMessageNotContaining("p@ss");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mongodb://                | mongodb://",
        "http://x                  | not mongodb:// or mongodb+srv://",
        "db 1                      | spaces",
        "host:99999                | port '99999'",
        "host:0                    | port '0'",
        "host:                     | port ''",
        "'   '                     | a value is required",
        "''                        | a value is required",
        "fd00::5                   | write it in brackets",
        "[fd00::5                  | does not close",
        "[fd00::5]x                | not a :port",
        "db1,,db2                  | empty",
        "db/1                      | not a host name",
        "mongodb+srv://a:1,b/      | mongodb+srv://",
        "mongodb://db1:99999/      | 99999",
        "mongodb://db1/?w=x&w      | mongodb://db1/?w=x&w",
    })
    void garbageIsRefusedWithWhatIsWrongAndTheAcceptedForms(String text, String what) {
        assertThatThrownBy(() -> MongoTarget.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("expected a MongoDB address")
                .hasMessageContaining("mongodb+srv://")
                .hasMessageContaining("'embedded'");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> MongoTarget.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a value is required");
    }
}
