package io.aqueduct.cluster.mongo;

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
        "-rf                       | '-rf' is not a host name",
        "--role                    | '--role' is not a host name",
        "db1,-x                    | '-x' is not a host name",
        "10.0.0.999                | '10.0.0.999' is not a host name",
        "db1.                      | 'db1.' is not a host name",
        "mongodb://h1,h2,/db       | a host in the list is empty",
        "mongodb://h1,,h2/db       | a host in the list is empty",
        "mongodb://-rf/            | '-rf' is not a host name",
        "mongodb://u:pw@h1,/db     | a host in the list is empty",
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
    void aUriWithEveryHostValidAndAUnixSocketAreAccepted() {
        assertThat(MongoTarget.parse("mongodb://db1:27018,10.0.0.6,[fd00::7]:27019/live").connectionString()
                .getHosts()).containsExactlyInAnyOrder("db1:27018", "10.0.0.6", "[fd00::7]:27019");
        assertThat(MongoTarget.parse("mongodb://%2Ftmp%2Fmongodb-27017.sock/").connectionString().getHosts())
                .containsExactly("/tmp/mongodb-27017.sock");
    }

    @Test
    void antMediaServersFormPutsUserAndPasswordPercentEncodedIntoTheUri() {
        String password = "p@ss:w/rd%+ é?#[]";
        MongoTarget target = MongoTarget.parse("10.0.0.5").withCredentials("aq admin", password);

        assertThat(target.configValue())
                .isEqualTo("mongodb://aq%20admin:p%40ss%3Aw%2Frd%25%2B%20%C3%A9%3F%23%5B%5D@10.0.0.5/");
        // what the driver reads back is what was typed
        assertThat(target.connectionString().getUsername()).isEqualTo("aq admin");
        assertThat(target.connectionString().getPassword()).containsExactly(password.toCharArray());
        assertThat(target.connectionString().getCredential().getSource()).isEqualTo("admin");
        assertThat(target.database()).isEqualTo("aqueduct");
        assertThat(target).hasToString("mongodb://aq%20admin:***@10.0.0.5/");
        // and the node reading the value back gets the same target
        assertThat(MongoTarget.parse(target.configValue())).isEqualTo(target);
    }

    @Test
    void credentialsGoIntoAUriKeepingItsDatabaseAndOptions() {
        MongoTarget target = MongoTarget.parse("mongodb://db1:27018,db2/live?authSource=admin&replicaSet=rs0")
                .withCredentials("aq", "s3cret");
        MongoTarget srv = MongoTarget.parse("mongodb+srv://cluster0.example.net/live").withCredentials("aq", "s3cret");

        assertThat(target.configValue())
                .isEqualTo("mongodb://aq:s3cret@db1:27018,db2/live?authSource=admin&replicaSet=rs0");
        assertThat(target.database()).isEqualTo("live");
        assertThat(srv.configValue()).isEqualTo("mongodb+srv://aq:s3cret@cluster0.example.net/live");
        assertThat(srv.isSrv()).isTrue();
    }

    @Test
    void credentialsAreRefusedForEmbeddedATargetWithAUserAndEmptyValues() {
        assertThatThrownBy(() -> MongoTarget.parse("embedded").withCredentials("aq", "s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedded registry has no users")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> MongoTarget.parse("mongodb://root:old@db1/").withCredentials("aq", "s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names a user already ('root')")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("old");
        assertThatThrownBy(() -> MongoTarget.parse("db1").withCredentials("", "s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user is empty");
        assertThatThrownBy(() -> MongoTarget.parse("db1").withCredentials("aq", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password for user 'aq' is empty");
    }

    @Test
    void percentEncodingKeepsOnlyUnreservedCharacters() {
        assertThat(MongoTarget.percentEncode("Az09-._~")).isEqualTo("Az09-._~");
        assertThat(MongoTarget.percentEncode(":/?#[]@!$&'()*+,;=% ")).isEqualTo(
                "%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25%20");
        assertThat(MongoTarget.percentEncode("\u00e9\u20ac\n")).isEqualTo("%C3%A9%E2%82%AC%0A");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> MongoTarget.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a value is required");
    }
}
