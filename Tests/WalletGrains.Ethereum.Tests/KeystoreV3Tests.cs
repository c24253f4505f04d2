using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Tests.Vectors;

namespace WalletGrains.Ethereum.Tests;

public sealed class KeystoreV3Tests
{
    public static TheoryData<string, string> Cases => VectorFile.Cases("keystore.json", "cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vector_decrypts_to_its_private_key(string name, string json)
    {
        var c = JsonNode.Parse(json)!;
        var keystore = c["keystore"]!.ToJsonString();
        var key = KeystoreV3.Decrypt(keystore, (string)c["password"]!);
        Assert.True((string)c["private_key"]! == HexConvert.ToHex(key), name);
        Assert.Equal((string)c["address"]!, Address.FromPrivateKey(key).ToChecksumString());

        var info = KeystoreV3.Inspect(keystore);
        Assert.Equal((string)c["kdf"]!, info.Kdf);
        Assert.Equal("aes-128-ctr", info.Cipher);
    }

    [Fact]
    public void Short_ciphertexts_are_left_padded_like_geth()
    {
        foreach (var c in AllCases().Where(c => c["plaintext"] is not null))
        {
            var plaintext = HexConvert.FromHex((string)c["plaintext"]!);
            Assert.True(plaintext.Length < 32);
            var key = KeystoreV3.Decrypt(c["keystore"]!.ToJsonString(), (string)c["password"]!);
            Assert.Equal(32, key.Length);
            Assert.All(key[..(32 - plaintext.Length)], b => Assert.Equal(0, b));
            Assert.Equal(plaintext, key[(32 - plaintext.Length)..]);
        }
    }

    [Fact]
    public void Wrong_password_is_rejected()
    {
        foreach (var name in new[] { "ethers_scrypt_n1024", "geth_31_byte_key", "evilnonce" })
        {
            var c = Case(name);
            var keystore = c["keystore"]!.ToJsonString();
            var thrown = Assert.Throws<KeystoreV3Exception>(() => KeystoreV3.Decrypt(keystore, (string)c["password"]! + "x"));
            Assert.Equal(KeystoreV3ErrorKind.WrongPassword, thrown.Kind);
            Assert.Contains("wrong password", thrown.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("mac")]
    [InlineData("ciphertext")]
    public void Tampering_with_mac_or_ciphertext_is_rejected(string field)
    {
        var c = Case("ethers_scrypt_n1024");
        var keystore = c["keystore"]!.AsObject().DeepClone();
        var crypto = keystore["Crypto"]!;
        var hex = (string)crypto[field]!;
        crypto[field] = (hex[0] == '0' ? '1' : '0') + hex[1..];
        Assert.False(KeystoreV3.TryDecrypt(keystore.ToJsonString(), Encoding.UTF8.GetBytes((string)c["password"]!), out var key, out var error));
        Assert.Null(key);
        Assert.Equal(KeystoreV3ErrorKind.WrongPassword, error.Kind);
    }

    [Fact]
    public void Encrypt_then_decrypt_round_trips()
    {
        var key = PrivateKeyGenerator.Generate();
        var json = KeystoreV3.Encrypt(key, "pässwörd ☃", KeystoreV3Options.InsecureFastForTests);
        Assert.Equal(key, KeystoreV3.Decrypt(json, "pässwörd ☃"));
        Assert.Equal(KeystoreV3ErrorKind.WrongPassword, Assert.Throws<KeystoreV3Exception>(() => KeystoreV3.Decrypt(json, "passwörd ☃")).Kind);

        var doc = JsonNode.Parse(json)!;
        Assert.Equal(3, (int)doc["version"]!);
        Assert.Equal(HexConvert.ToHexNoPrefix(Address.FromPrivateKey(key).Bytes), (string)doc["address"]!);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", (string)doc["id"]!);
        var crypto = doc["crypto"]!;
        Assert.Equal("aes-128-ctr", (string)crypto["cipher"]!);
        Assert.Equal("scrypt", (string)crypto["kdf"]!);
        Assert.Equal(1024, (int)crypto["kdfparams"]!["n"]!);
        Assert.Equal(8, (int)crypto["kdfparams"]!["r"]!);
        Assert.Equal(1, (int)crypto["kdfparams"]!["p"]!);
        Assert.Equal(32, (int)crypto["kdfparams"]!["dklen"]!);
        Assert.Equal(64, ((string)crypto["kdfparams"]!["salt"]!).Length);
        Assert.Equal(32, ((string)crypto["cipherparams"]!["iv"]!).Length);
        Assert.DoesNotContain(HexConvert.ToHexNoPrefix(key), json, StringComparison.Ordinal);

        var info = KeystoreV3.Inspect(json);
        Assert.Equal(Address.FromPrivateKey(key), info.Address);
        Assert.Equal(1024, info.ScryptN);
    }

    [Fact]
    public void Encryptions_of_one_key_use_fresh_salt_iv_and_id()
    {
        var key = PrivateKeyGenerator.Generate();
        var a = JsonNode.Parse(KeystoreV3.Encrypt(key, "pw", KeystoreV3Options.InsecureFastForTests))!;
        var b = JsonNode.Parse(KeystoreV3.Encrypt(key, "pw", KeystoreV3Options.InsecureFastForTests))!;
        Assert.NotEqual((string)a["id"]!, (string)b["id"]!);
        Assert.NotEqual((string)a["crypto"]!["kdfparams"]!["salt"]!, (string)b["crypto"]!["kdfparams"]!["salt"]!);
        Assert.NotEqual((string)a["crypto"]!["cipherparams"]!["iv"]!, (string)b["crypto"]!["cipherparams"]!["iv"]!);
    }

    [Fact]
    public void Standard_options_are_geths_and_encrypt_a_dev_key_readably()
    {
        Assert.Equal(new KeystoreV3Options(262144, 8, 1), KeystoreV3Options.Standard);
        var c = Case("ethers_scrypt_n1024");
        var key = HexConvert.FromHex((string)c["private_key"]!);
        var json = KeystoreV3.Encrypt(key, "pw", new KeystoreV3Options(1 << 12, 8, 2));
        Assert.Equal(key, KeystoreV3.Decrypt(json, "pw"));
    }

    [Fact]
    public void Encrypt_rejects_invalid_keys_and_parameters()
    {
        Assert.Throws<ArgumentException>(() => KeystoreV3.Encrypt(new byte[32], "pw", KeystoreV3Options.InsecureFastForTests));
        Assert.Throws<ArgumentException>(() => KeystoreV3.Encrypt(new byte[31], "pw", KeystoreV3Options.InsecureFastForTests));
        var key = PrivateKeyGenerator.Generate();
        var error = Assert.Throws<ArgumentException>(() => KeystoreV3.Encrypt(key, "pw", new KeystoreV3Options(1000, 8, 1)));
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, KeystoreV3ErrorKind> MalformedEdits => new()
    {
        { "not json", KeystoreV3ErrorKind.Malformed },
        { "version=4", KeystoreV3ErrorKind.UnsupportedVersion },
        { "version=\"3\"", KeystoreV3ErrorKind.UnsupportedVersion },
        { "no crypto", KeystoreV3ErrorKind.Malformed },
        { "both crypto spellings", KeystoreV3ErrorKind.Malformed },
        { "cipher=aes-128-cbc", KeystoreV3ErrorKind.UnsupportedCipher },
        { "kdf=argon2", KeystoreV3ErrorKind.UnsupportedKdf },
        { "n=1000", KeystoreV3ErrorKind.InvalidKdfParameters },
        { "n=2^40", KeystoreV3ErrorKind.InvalidKdfParameters },
        { "dklen=16", KeystoreV3ErrorKind.InvalidKdfParameters },
        { "iv 15 bytes", KeystoreV3ErrorKind.Malformed },
        { "ciphertext 33 bytes", KeystoreV3ErrorKind.Malformed },
        { "mac not hex", KeystoreV3ErrorKind.Malformed },
        { "address of another key", KeystoreV3ErrorKind.AddressMismatch },
    };

    [Theory]
    [MemberData(nameof(MalformedEdits))]
    public void Malformed_or_unsupported_files_are_rejected_with_their_kind(string edit, KeystoreV3ErrorKind kind)
    {
        var c = Case("ethers_scrypt_n1024");
        var keystore = c["keystore"]!.AsObject().DeepClone().AsObject();
        var crypto = keystore["Crypto"]!.AsObject();
        string json;
        switch (edit)
        {
            case "not json": json = "{\"version\": 3, "; break;
            case "version=4": keystore["version"] = 4; json = keystore.ToJsonString(); break;
            case "version=\"3\"": keystore["version"] = "3"; json = keystore.ToJsonString(); break;
            case "no crypto": keystore.Remove("Crypto"); json = keystore.ToJsonString(); break;
            case "both crypto spellings": keystore["crypto"] = crypto.DeepClone(); json = keystore.ToJsonString(); break;
            case "cipher=aes-128-cbc": crypto["cipher"] = "aes-128-cbc"; json = keystore.ToJsonString(); break;
            case "kdf=argon2": crypto["kdf"] = "argon2"; json = keystore.ToJsonString(); break;
            case "n=1000": crypto["kdfparams"]!["n"] = 1000; json = keystore.ToJsonString(); break;
            case "n=2^40": crypto["kdfparams"]!["n"] = 1L << 40; json = keystore.ToJsonString(); break;
            case "dklen=16": crypto["kdfparams"]!["dklen"] = 16; json = keystore.ToJsonString(); break;
            case "iv 15 bytes": crypto["cipherparams"]!["iv"] = new string('2', 30); json = keystore.ToJsonString(); break;
            case "ciphertext 33 bytes": crypto["ciphertext"] = (string)crypto["ciphertext"]! + "00"; json = keystore.ToJsonString(); break;
            case "mac not hex": crypto["mac"] = "zz" + ((string)crypto["mac"]!)[2..]; json = keystore.ToJsonString(); break;
            case "address of another key": keystore["address"] = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"; json = keystore.ToJsonString(); break;
            default: throw new InvalidOperationException(edit);
        }

        Assert.False(KeystoreV3.TryDecrypt(json, Encoding.UTF8.GetBytes((string)c["password"]!), out var key, out var error));
        Assert.Null(key);
        Assert.True(kind == error.Kind, $"{edit}: {error.Kind} {error.Message}");
        Assert.DoesNotContain((string)c["private_key"]!, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(((string)c["private_key"]!)[2..], error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Aes_ctr_counter_wraps_from_all_ones_to_zero()
    {
        // CTR keystream block i is AES(iv + i mod 2^128): with iv = ff..ff, block 1 must equal the
        // keystream block 0 of iv = 00..00.
        var aesKey = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var zeros = new byte[32];
        var fromMax = new byte[32];
        var fromZero = new byte[16];
        AesCtr.Transform(aesKey, Enumerable.Repeat((byte)0xff, 16).ToArray(), zeros, fromMax);
        AesCtr.Transform(aesKey, new byte[16], zeros.AsSpan(0, 16), fromZero);
        Assert.Equal(fromZero, fromMax[16..]);
    }

    private static IEnumerable<JsonNode> AllCases() => VectorFile.Load("keystore.json")["cases"]!.AsArray().Select(c => c!);

    private static JsonNode Case(string name) => AllCases().Single(c => (string)c["name"]! == name);
}
