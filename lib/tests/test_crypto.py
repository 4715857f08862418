import datetime

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from lib import crypto

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
HASH_KEY = "a-hash-key-for-these-tests-only-0123456789"
NAME = "Aysel Məmmədova"


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD], FIELD_HASH_KEY=HASH_KEY)
class EncryptionTests(SimpleTestCase):
    def test_round_trip(self):
        for text in (NAME, "Иванова Мария", "AA 1234567", "+994 50 123 45 67", ""):
            with self.subTest(text=text):
                self.assertEqual(crypto.decrypt(crypto.encrypt(text)), text)

    def test_the_token_hides_the_text_and_differs_each_time(self):
        first, second = crypto.encrypt(NAME), crypto.encrypt(NAME)
        self.assertTrue(first.startswith(crypto.TOKEN_PREFIX))
        self.assertNotIn("Aysel", first)
        self.assertNotEqual(first, second)
        self.assertEqual(crypto.decrypt(second), NAME)

    def test_a_token_made_with_an_older_key_still_decrypts(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            token = crypto.encrypt(NAME)
        self.assertEqual(crypto.decrypt(token), NAME)  # OLD is second in the list

    def test_new_tokens_are_made_with_the_first_key(self):
        token = crypto.encrypt(NAME)
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(crypto.decrypt(token), NAME)
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]), self.assertRaises(crypto.DecryptionError):
            crypto.decrypt(token)

    def test_rotate_re_encrypts_under_the_first_key(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            old_token = crypto.encrypt(NAME)
        self.assertFalse(crypto.is_current(old_token))
        new_token = crypto.rotate(old_token)
        self.assertNotEqual(new_token, old_token)
        self.assertTrue(crypto.is_current(new_token))
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]):
            self.assertEqual(crypto.decrypt(new_token), NAME)

    def test_rotate_keeps_the_type_of_its_argument(self):
        self.assertIsInstance(crypto.rotate(crypto.encrypt(NAME)), str)
        self.assertIsInstance(crypto.rotate(crypto.encrypt_bytes(b"scan")), bytes)

    def test_once_the_old_key_is_removed_its_tokens_fail_without_revealing_anything(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=[OLD]):
            token = crypto.encrypt(NAME)
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW]):
            for operation in (crypto.decrypt, crypto.rotate, crypto.decrypt_bytes):
                with self.subTest(operation=operation.__name__), self.assertRaises(crypto.DecryptionError) as caught:
                    operation(token)
                message = str(caught.exception)
                self.assertIn("FIELD_ENCRYPTION_KEYS", message)
                self.assertNotIn("Aysel", message)
                self.assertNotIn(token[:20], message)
                self.assertIsNone(caught.exception.__cause__)

    def test_what_is_not_a_token_is_a_decryption_error(self):
        for token in ("Aysel Məmmədova", "gAAAAAnot-a-token", b"", "ə"):
            with self.subTest(token=token), self.assertRaises(crypto.DecryptionError):
                crypto.decrypt(token)

    def test_bytes_round_trip(self):
        data = bytes(range(256)) * 4
        token = crypto.encrypt_bytes(data)
        self.assertNotIn(data, token)
        self.assertEqual(crypto.decrypt_bytes(token), data)

    def test_bytes_that_are_not_text_do_not_decrypt_as_text(self):
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt(crypto.encrypt_bytes(b"\xff\xfe"))

    def test_wrong_types_are_refused_without_echoing_the_value(self):
        with self.assertRaisesMessage(TypeError, "not int"):
            crypto.encrypt(1234567)
        with self.assertRaisesMessage(TypeError, "not str"):
            crypto.encrypt_bytes("secret")
        with self.assertRaises(TypeError) as caught:
            crypto.encrypt(datetime.date(1990, 5, 17))
        self.assertNotIn("1990", str(caught.exception))


class ConfigurationTests(SimpleTestCase):
    def test_no_key_is_a_configuration_error(self):
        for keys in ([], [""], None, ""):
            with (
                self.subTest(keys=keys),
                self.settings(FIELD_ENCRYPTION_KEYS=keys),
                self.assertRaisesMessage(ImproperlyConfigured, "FIELD_ENCRYPTION_KEYS"),
            ):
                crypto.encrypt(NAME)

    def test_a_malformed_key_is_named_by_position_not_shown(self):
        with (
            self.settings(FIELD_ENCRYPTION_KEYS=[NEW, "not-a-fernet-key"]),
            self.assertRaises(ImproperlyConfigured) as caught,
        ):
            crypto.encrypt(NAME)
        self.assertIn("key number 2", str(caught.exception))
        self.assertNotIn("not-a-fernet-key", str(caught.exception))

    def test_a_comma_separated_string_is_read_as_a_list(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=OLD):
            token = crypto.encrypt(NAME)
        with self.settings(FIELD_ENCRYPTION_KEYS=f"{NEW}, {OLD}"):
            self.assertEqual(crypto.decrypt(token), NAME)

    def test_changing_the_settings_empties_the_caches(self):
        with self.settings(FIELD_ENCRYPTION_KEYS=[NEW], FIELD_HASH_KEY=HASH_KEY):
            crypto.encrypt(NAME)
            crypto.blind_index(NAME, purpose="test")
            self.assertGreater(crypto._keyring.cache_info().currsize, 0)
            self.assertGreater(crypto._index_key.cache_info().currsize, 0)
        self.assertEqual(crypto._keyring.cache_info().currsize, 0)
        self.assertEqual(crypto._index_key.cache_info().currsize, 0)

    def test_blind_indexes_need_a_hash_key(self):
        for value in ("", None):
            with (
                self.subTest(value=value),
                self.settings(FIELD_HASH_KEY=value),
                self.assertRaisesMessage(ImproperlyConfigured, "FIELD_HASH_KEY"),
            ):
                crypto.blind_index(NAME, purpose="person.name")


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD], FIELD_HASH_KEY=HASH_KEY)
class BlindIndexTests(SimpleTestCase):
    def test_it_is_a_hex_hmac_that_hides_the_value(self):
        index = crypto.blind_index(NAME, purpose="person.name")
        self.assertRegex(index, r"^[0-9a-f]{64}$")
        self.assertEqual(crypto.blind_index(NAME, purpose="person.name"), index)

    def test_it_does_not_change_when_the_encryption_key_is_rotated(self):
        before = crypto.blind_index(NAME, purpose="person.name")
        for keys in ([OLD], [Fernet.generate_key().decode(), NEW, OLD], [NEW]):
            with self.subTest(keys=len(keys)), self.settings(FIELD_ENCRYPTION_KEYS=keys):
                self.assertEqual(crypto.blind_index(NAME, purpose="person.name"), before)

    def test_it_depends_on_the_hash_key(self):
        before = crypto.blind_index(NAME, purpose="person.name")
        with self.settings(FIELD_HASH_KEY="another-hash-key-for-these-tests-only-98765"):
            self.assertNotEqual(crypto.blind_index(NAME, purpose="person.name"), before)

    def test_it_ignores_case_and_spaces(self):
        index = crypto.blind_index("aysel məmmədova", purpose="person.name")
        for variant in ("Aysel Məmmədova", "  AYSEL   MƏMMƏDOVA ", "aysel\tməmmədova\n"):
            with self.subTest(variant=variant):
                self.assertEqual(crypto.blind_index(variant, purpose="person.name"), index)
        self.assertNotEqual(crypto.blind_index("Aysel Məmmədli", purpose="person.name"), index)

    def test_it_folds_the_azerbaijani_dotted_and_dotless_i(self):
        index = crypto.blind_index("ismayilov", purpose="person.name")
        for variant in ("İSMAYILOV", "İsmayılov", "ISMAYILOV", "Ismayılov"):
            with self.subTest(variant=variant):
                self.assertEqual(crypto.blind_index(variant, purpose="person.name"), index)

    def test_it_differs_by_purpose(self):
        self.assertNotEqual(
            crypto.blind_index("AA1234567", purpose="person.document_number"),
            crypto.blind_index("AA1234567", purpose="caller.phone"),
        )

    def test_blank_values_have_no_index(self):
        with self.assertRaises(ValueError):
            crypto.blind_index("   ", purpose="person.name")
        self.assertIsNone(crypto.blind_index_or_none(None, purpose="person.name"))
        self.assertIsNone(crypto.blind_index_or_none(" \t", purpose="person.name"))
        self.assertEqual(
            crypto.blind_index_or_none(" Aysel  Məmmədova", purpose="person.name"),
            crypto.blind_index(NAME, purpose="person.name"),
        )

    def test_a_purpose_is_required(self):
        with self.assertRaises(ValueError):
            crypto.blind_index(NAME, purpose=" ")
