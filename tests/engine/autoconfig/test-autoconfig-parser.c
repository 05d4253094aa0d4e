/* test-autoconfig-parser.c — config-v1.1.xml: real providers' files and broken ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "autoconfig-test-util.h"

#define IMAP(host, port, socket) \
  "<incomingServer type=\"imap\"><hostname>" host "</hostname><port>" port "</port>" \
  "<socketType>" socket "</socketType><username>%EMAILADDRESS%</username>" \
  "<authentication>password-cleartext</authentication></incomingServer>"
#define POP3(host, port, socket) \
  "<incomingServer type=\"pop3\"><hostname>" host "</hostname><port>" port "</port>" \
  "<socketType>" socket "</socketType><username>%EMAILADDRESS%</username></incomingServer>"
#define SMTP(host, port, socket) \
  "<outgoingServer type=\"smtp\"><hostname>" host "</hostname><port>" port "</port>" \
  "<socketType>" socket "</socketType><username>%EMAILADDRESS%</username></outgoingServer>"

/* A whole document around @inner, the content of <emailProvider>. */
static char *
document (const char *inner)
{
  return g_strconcat ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<clientConfig version=\"1.1\">\n"
                      "  <emailProvider id=\"example.test\">\n"
                      "    <domain>example.test</domain>\n"
                      "    <displayName>Example</displayName>\n",
                      inner,
                      "\n  </emailProvider>\n</clientConfig>\n", NULL);
}

static TaubeProviderConfig *
parse_inner (const char *inner,
             const char *address)
{
  g_autofree char *xml = document (inner);
  g_autoptr(GError) error = NULL;
  TaubeProviderConfig *config = taube_autoconfig_parse (xml, strlen (xml), address, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
assert_parse_error (const char *xml,
                    gsize       len,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, len, "a@example.test",
                                                                  &error);

  g_assert_null (config);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, code);
}

static TaubeProviderConfig *
parse_reference (const char *name,
                 const char *address)
{
  g_autofree char *path = reference_path (name);
  gsize len;
  g_autofree char *xml = read_file (path, &len);
  g_autoptr(GError) error = NULL;
  TaubeProviderConfig *config = taube_autoconfig_parse (xml, len, address, &error);

  g_assert_no_error (error);
  return config;
}

static void
test_reference_all (void)
{
  g_autofree char *dir_path = reference_path (NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint parsed = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(TaubeProviderConfig) templates = NULL;
      g_autoptr(TaubeProviderConfig) config = NULL;
      g_autofree char *address = NULL;
      g_autoptr(TaubeAutoconfigServer) recommended = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      g_test_message ("%s", name);
      templates = parse_reference (name, NULL);
      g_assert_cmpstr (taube_provider_config_get_domains (templates)[0], !=, NULL);
      address = g_strconcat ("alice.example@", taube_provider_config_get_domains (templates)[0],
                             NULL);
      config = parse_reference (name, address);
      recommended = taube_provider_config_get_recommended_incoming (config);
      g_assert_nonnull (recommended);
      g_assert_cmpint (taube_autoconfig_server_get_security (recommended), !=,
                       TAUBE_SECURITY_NONE);
      g_assert_cmpint (taube_provider_config_get_source (config), ==,
                       TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG);
      parsed++;
    }
  g_assert_cmpuint (parsed, ==, 15);
}

static void
test_reference_gmx (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_reference ("gmx.net.xml", "alice@gmx.de");
  const char * const *domains = taube_provider_config_get_domains (config);
  g_autoptr(TaubeAutoconfigServer) recommended = NULL;
  g_autoptr(TaubeAutoconfigServer) smtp = NULL;

  g_assert_cmpstr (taube_provider_config_get_id (config), ==, "gmx.net");
  g_assert_cmpstr (taube_provider_config_get_display_name (config), ==, "GMX Freemail");
  g_assert_cmpstr (taube_provider_config_get_short_name (config), ==, "GMX");
  g_assert_cmpuint (g_strv_length ((char **) domains), ==, 11);
  g_assert_true (g_strv_contains (domains, "gmx.ch"));
  g_assert_cmpstr (domains[10], ==, "email.gmx");

  g_assert_cmpuint (n_incoming (config), ==, 4);
  assert_server (incoming (config, 0), "imap.gmx.net", 993, TAUBE_SECURITY_TLS, "alice@gmx.de");
  assert_server (incoming (config, 1), "imap.gmx.net", 143, TAUBE_SECURITY_STARTTLS,
                 "alice@gmx.de");
  assert_server (incoming (config, 2), "pop.gmx.net", 995, TAUBE_SECURITY_TLS, "alice@gmx.de");
  assert_server (incoming (config, 3), "pop.gmx.net", 110, TAUBE_SECURITY_STARTTLS,
                 "alice@gmx.de");
  g_assert_cmpint (taube_autoconfig_server_get_protocol (incoming (config, 2)), ==,
                   TAUBE_PROTOCOL_POP3);
  g_assert_cmpuint (n_outgoing (config), ==, 2);
  assert_server (outgoing (config, 0), "mail.gmx.net", 465, TAUBE_SECURITY_TLS, "alice@gmx.de");
  assert_server (outgoing (config, 1), "mail.gmx.net", 587, TAUBE_SECURITY_STARTTLS,
                 "alice@gmx.de");
  g_assert_true (taube_autoconfig_server_is_outgoing (outgoing (config, 0)));

  recommended = taube_provider_config_get_recommended_incoming (config);
  g_assert_true (recommended == incoming (config, 0));
  smtp = taube_provider_config_get_recommended_outgoing (config);
  g_assert_true (smtp == outgoing (config, 0));

  g_assert_cmpstr (taube_provider_config_get_documentation_urls (config)[0], ==,
                   "https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html");
  g_assert_cmpstr (taube_provider_config_get_enable_url (config), ==,
                   "https://hilfe.gmx.net/pop-imap/einschalten.html");
  g_assert_true (g_str_has_prefix (taube_provider_config_get_enable_instruction (config, "de_DE"),
                                   "Sie müssen einmalig den Zugriff über POP3 & IMAP"));
  g_assert_true (g_str_has_prefix (taube_provider_config_get_enable_instruction (config, NULL),
                                   "You must allow access via POP3 & IMAP"));
}

static void
test_reference_local_part (void)
{
  g_autoptr(TaubeProviderConfig) web = parse_reference ("web.de.xml", "Alice.Example@WEB.de");
  g_autoptr(TaubeProviderConfig) apple = parse_reference ("me.com.xml", "bob@icloud.com");

  /* WEB.DE logs in with the local part only, as typed. */
  assert_server (incoming (web, 0), "imap.web.de", 993, TAUBE_SECURITY_TLS, "Alice.Example");
  assert_server (incoming (web, 2), "pop3.web.de", 995, TAUBE_SECURITY_TLS, "Alice.Example");
  assert_server (outgoing (web, 1), "smtp.web.de", 587, TAUBE_SECURITY_STARTTLS, "Alice.Example");
  g_assert_cmpstr (taube_provider_config_get_enable_url (web), ==,
                   "https://hilfe.web.de/pop-imap/einschalten.html");

  /* iCloud: the local part for IMAP, the whole address for SMTP. */
  g_assert_cmpuint (n_incoming (apple), ==, 1);
  assert_server (incoming (apple, 0), "imap.mail.me.com", 993, TAUBE_SECURITY_TLS, "bob");
  assert_server (outgoing (apple, 0), "smtp.mail.me.com", 587, TAUBE_SECURITY_STARTTLS,
                 "bob@icloud.com");
}

static void
test_reference_microsoft (void)
{
  g_autoptr(TaubeProviderConfig) outlook = parse_reference ("hotmail.com.xml", "a@outlook.de");
  g_autoptr(TaubeProviderConfig) office = parse_reference ("office365.com.xml", "a@corp.test");
  gboolean leave = FALSE;
  guint n_auth;
  const TaubeAutoconfigAuth *auth;

  g_assert_cmpuint (g_strv_length ((char **) taube_provider_config_get_domains (outlook)), ==,
                    103);
  assert_server (incoming (outlook, 0), "outlook.office365.com", 993, TAUBE_SECURITY_TLS,
                 "a@outlook.de");
  auth = taube_autoconfig_server_get_authentication (incoming (outlook, 0), &n_auth);
  g_assert_cmpuint (n_auth, ==, 1);
  g_assert_cmpint (auth[0], ==, TAUBE_AUTOCONFIG_AUTH_OAUTH2);
  g_assert_true (taube_autoconfig_server_get_pop3_leave_on_server (incoming (outlook, 1), &leave));
  g_assert_true (leave);
  assert_server (outgoing (outlook, 0), "smtp-mail.outlook.com", 587, TAUBE_SECURITY_STARTTLS,
                 "a@outlook.de");

  /* ews, owa, graph and exchange servers are not for Taube; IMAP and POP3 remain. Their
   * "%EMAILADDRESS" without the closing % must not break anything either. */
  g_assert_cmpuint (n_incoming (office), ==, 2);
  g_assert_cmpint (taube_autoconfig_server_get_protocol (incoming (office, 1)), ==,
                   TAUBE_PROTOCOL_POP3);
}

static void
test_reference_several_of_a_type (void)
{
  g_autoptr(TaubeProviderConfig) yahoo = parse_reference ("yahoo.com.xml", "a@ymail.com");

  /* Two IMAP servers: the second must not replace the first. */
  g_assert_cmpuint (n_incoming (yahoo), ==, 3);
  assert_server (incoming (yahoo, 0), "imap.mail.yahoo.com", 993, TAUBE_SECURITY_TLS,
                 "a@ymail.com");
  assert_server (incoming (yahoo, 1), "export.imap.mail.yahoo.com", 993, TAUBE_SECURITY_TLS,
                 "a@ymail.com");
  g_assert_true (taube_autoconfig_server_has_authentication (incoming (yahoo, 0),
                                                             TAUBE_AUTOCONFIG_AUTH_OAUTH2));
  g_assert_true (taube_autoconfig_server_has_authentication (
                   incoming (yahoo, 0), TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT));
}

static void
test_unknown_elements (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    "<future attribute=\"x\"><hostname>evil.test</hostname><incomingServer type=\"imap\">"
    "<hostname>evil.test</hostname></incomingServer></future>"
    "<incomingServer type=\"imap\" extra=\"1\"><hostname>imap.example.test</hostname>"
    "<flavour>mint</flavour><port>993</port><socketType>SSL</socketType>"
    "<username>%EMAILADDRESS%<b>ignored</b></username>"
    "<authentication>quantum-handshake</authentication>"
    "<authentication>password-cleartext</authentication></incomingServer>"
    "<webMail><loginPage url=\"https://webmail.example.test\"/></webMail>"
    "<oAuth2><issuer>x</issuer></oAuth2>", "a@example.test");
  const TaubeAutoconfigAuth *auth;
  guint n_auth;

  g_assert_cmpuint (n_incoming (config), ==, 1);
  assert_server (incoming (config, 0), "imap.example.test", 993, TAUBE_SECURITY_TLS,
                 "a@example.test");
  auth = taube_autoconfig_server_get_authentication (incoming (config, 0), &n_auth);
  g_assert_cmpuint (n_auth, ==, 1);
  g_assert_cmpint (auth[0], ==, TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT);
  g_assert_cmpuint (n_outgoing (config), ==, 0);
}

static void
test_placeholders (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    "<incomingServer type=\"imap\"><hostname>mail.%EMAILDOMAIN%</hostname><port>993</port>"
    "<socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>"
    "<outgoingServer type=\"smtp\"><hostname>%EMAILDOMAIN%</hostname><port>465</port>"
    "<socketType>SSL</socketType><username>%EMAILADDRESS%+%UNKNOWN%</username>"
    "</outgoingServer>", " Alice.Example@Example.TEST ");

  /* The domain is lower-cased for host names; the address is kept as typed, trimmed. */
  assert_server (incoming (config, 0), "mail.example.test", 993, TAUBE_SECURITY_TLS,
                 "Alice.Example");
  assert_server (outgoing (config, 0), "example.test", 465, TAUBE_SECURITY_TLS,
                 "Alice.Example@Example.TEST+%UNKNOWN%");
}

static void
test_placeholder_unclosed (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("imap.example.test", "993", "SSL")
    "<incomingServer type=\"imap\"><hostname>imap.%EMAILDOMAIN</hostname><port>993</port>"
    "<socketType>SSL</socketType><username>%EMAILADDRESS</username></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>pop.example.test</hostname><port>995</port>"
    "<socketType>SSL</socketType><username>%EMAILLOCALPART.extra</username></incomingServer>",
    "bob@example.test");

  assert_server (incoming (config, 1), "imap.example.test", 993, TAUBE_SECURITY_TLS,
                 "bob@example.test");
  assert_server (incoming (config, 2), "pop.example.test", 995, TAUBE_SECURITY_TLS, "bob.extra");
}

static void
test_templates_kept_without_address (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    "<incomingServer type=\"imap\"><hostname>mail.%EMAILDOMAIN%</hostname><port>993</port>"
    "<socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>", NULL);
  g_autoptr(TaubeProviderConfig) expanded = NULL;
  g_autoptr(GError) error = NULL;

  assert_server (incoming (config, 0), "mail.%EMAILDOMAIN%", 993, TAUBE_SECURITY_TLS,
                 "%EMAILLOCALPART%");
  expanded = taube_provider_config_expand (config, "carol@example.test", &error);
  g_assert_no_error (error);
  assert_server (incoming (expanded, 0), "mail.example.test", 993, TAUBE_SECURITY_TLS, "carol");
}

static void
test_several_of_a_type_in_order (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("one.example.test", "993", "SSL") IMAP ("two.example.test", "143", "STARTTLS")
    IMAP ("three.example.test", "993", "SSL")
    SMTP ("first.example.test", "587", "STARTTLS") SMTP ("second.example.test", "465", "SSL"),
    "a@example.test");

  g_assert_cmpuint (n_incoming (config), ==, 3);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming (config, 0)), ==,
                   "one.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming (config, 1)), ==,
                   "two.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming (config, 2)), ==,
                   "three.example.test");
  g_assert_cmpuint (n_outgoing (config), ==, 2);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (outgoing (config, 0)), ==,
                   "first.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (outgoing (config, 1)), ==,
                   "second.example.test");
}

static void
test_plain_only_never_recommended (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("imap.example.test", "143", "plain") POP3 ("pop.example.test", "110", "plain")
    SMTP ("smtp.example.test", "587", "plain"), "a@example.test");
  g_autoptr(GListModel) ranked = taube_provider_config_rank_incoming (config);

  g_assert_cmpuint (n_incoming (config), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (ranked), ==, 2);
  g_assert_null (taube_provider_config_get_recommended_incoming (config));
  g_assert_null (taube_provider_config_get_recommended_incoming_for_protocol (
                   config, TAUBE_PROTOCOL_POP3));
  g_assert_null (taube_provider_config_get_recommended_outgoing (config));
}

static void
test_ranking (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("plain.example.test", "143", "plain") POP3 ("pop.example.test", "995", "SSL")
    IMAP ("starttls.example.test", "143", "STARTTLS") IMAP ("tls.example.test", "993", "SSL")
    SMTP ("plain.example.test", "587", "plain") SMTP ("submission.example.test", "587", "STARTTLS")
    SMTP ("submissions.example.test", "465", "SSL"), "a@example.test");
  g_autoptr(GListModel) ranked = taube_provider_config_rank_incoming (config);
  g_autoptr(GListModel) ranked_out = taube_provider_config_rank_outgoing (config);
  g_autoptr(TaubeAutoconfigServer) best = taube_provider_config_get_recommended_incoming (config);
  g_autoptr(TaubeAutoconfigServer) pop3 =
    taube_provider_config_get_recommended_incoming_for_protocol (config, TAUBE_PROTOCOL_POP3);
  g_autoptr(TaubeAutoconfigServer) smtp = taube_provider_config_get_recommended_outgoing (config);
  const char *order[] = { "tls.example.test", "starttls.example.test", "pop.example.test",
                          "plain.example.test" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (taube_autoconfig_server_get_hostname (server_at (ranked, i)), ==, order[i]);
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (best), ==, "tls.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (pop3), ==, "pop.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (smtp), ==, "submissions.example.test");
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (server_at (ranked_out, 2)), ==,
                   "plain.example.test");
  /* Ranking never reorders the config itself. */
  g_assert_cmpstr (taube_autoconfig_server_get_hostname (incoming (config, 0)), ==,
                   "plain.example.test");
}

static void
test_encrypted_before_protocol (void)
{
  /* IMAP over STARTTLS beats POP3 over TLS: IMAP > POP3 weighs more than TLS > STARTTLS. */
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    POP3 ("pop.example.test", "995", "SSL") IMAP ("imap.example.test", "143", "STARTTLS"),
    "a@example.test");
  g_autoptr(TaubeAutoconfigServer) best = taube_provider_config_get_recommended_incoming (config);

  g_assert_cmpstr (taube_autoconfig_server_get_hostname (best), ==, "imap.example.test");
}

static void
test_bad_ports (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("zero.example.test", "0", "SSL") IMAP ("big.example.test", "65536", "SSL")
    IMAP ("huge.example.test", "99999999999999999999", "SSL")
    IMAP ("negative.example.test", "-993", "SSL") IMAP ("word.example.test", "imaps", "SSL")
    IMAP ("empty.example.test", "", "SSL") IMAP ("hex.example.test", "0x3e1", "SSL")
    "<incomingServer type=\"imap\"><hostname>noport.example.test</hostname>"
    "<socketType>SSL</socketType></incomingServer>"
    IMAP ("top.example.test", "65535", "SSL") IMAP ("spaced.example.test", " 993 ", "SSL"),
    "a@example.test");

  g_assert_cmpuint (n_incoming (config), ==, 2);
  g_assert_cmpuint (taube_autoconfig_server_get_port (incoming (config, 0)), ==, 65535);
  g_assert_cmpuint (taube_autoconfig_server_get_port (incoming (config, 1)), ==, 993);
}

static void
test_bad_servers_skipped (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    IMAP ("tls.example.test", "993", "TLS") IMAP ("nothing.example.test", "993", "")
    "<incomingServer type=\"exchange\"><hostname>ews.example.test</hostname><port>443</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<incomingServer><hostname>untyped.example.test</hostname><port>993</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<outgoingServer type=\"imap\"><hostname>wrong.example.test</hostname><port>993</port>"
    "<socketType>SSL</socketType></outgoingServer>"
    IMAP ("evil.test/path", "993", "SSL") IMAP ("two words", "993", "SSL")
    IMAP ("host:993", "993", "SSL") IMAP ("", "993", "SSL")
    IMAP ("IMAP.Example.TEST", "993", "ssl"), "a@example.test");

  g_assert_cmpuint (n_incoming (config), ==, 1);
  assert_server (incoming (config, 0), "IMAP.Example.TEST", 993, TAUBE_SECURITY_TLS,
                 "a@example.test");
  g_assert_cmpuint (n_outgoing (config), ==, 0);
}

static void
test_no_servers (void)
{
  const char *documents[] = {
    "<clientConfig/>",
    "<clientConfig version=\"1.1\"><emailProvider id=\"x\"><domain>x.test</domain>"
    "</emailProvider></clientConfig>",
    "<html><body><p>Welcome to our captive portal</p></body></html>",
    "<clientConfig><emailProvider>" SMTP ("smtp.example.test", "465", "SSL")
    "</emailProvider></clientConfig>",
    "<clientConfig><emailProvider>" IMAP ("imap.example.test", "0", "SSL")
    "</emailProvider></clientConfig>",
    "<clientConfig><enable visiturl=\"https://x.test\"><instruction>x</instruction></enable>"
    "</clientConfig>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_parse_error (documents[i], strlen (documents[i]), TAUBE_AUTOCONFIG_ERROR_NO_SERVERS);
}

static void
test_malformed (void)
{
  const char *documents[] = {
    "",
    "   \n",
    "not xml at all",
    "<clientConfig><emailProvider></clientConfig>",
    /* web.de's ISPDB file once had "&amP;", which no XML parser accepts. */
    "<clientConfig><emailProvider><displayName>POP3 &amP; IMAP</displayName>"
    "</emailProvider></clientConfig>",
    /* naver.com's has a bare "&" in a URL. */
    "<clientConfig><emailProvider><documentation url=\"https://x.test/?a=1&lang=ko\"/>"
    "</emailProvider></clientConfig>",
    /* purelymail.com's has "<socketType>SSL/socketType>". */
    "<clientConfig><emailProvider><incomingServer type=\"pop3\"><socketType>SSL/socketType>"
    "</incomingServer></emailProvider></clientConfig>",
    "<clientConfig></clientConfig><clientConfig></clientConfig>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_parse_error (documents[i], strlen (documents[i]), TAUBE_AUTOCONFIG_ERROR_MALFORMED);
}

static void
test_malformed_position (void)
{
  const char *xml = "<clientConfig>\n  <emailProvider>\n    <domain>a</dom>\n</clientConfig>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml), NULL,
                                                                  &error);

  g_assert_null (config);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 3"));
}

static void
test_not_utf8 (void)
{
  static const char with_nul[] =
    "<clientConfig><emailProvider>" IMAP ("imap.a.test\0.b.test", "993", "SSL")
    "</emailProvider></clientConfig>";
  g_autofree char *xml = document ("<displayName>Caf\xe9</displayName>"
                                   IMAP ("imap.example.test", "993", "SSL"));

  assert_parse_error (xml, strlen (xml), TAUBE_AUTOCONFIG_ERROR_MALFORMED);
  /* An embedded NUL is not text either; GMarkup alone would cut the host name short there. */
  assert_parse_error ("<clientConfig>\0</clientConfig>", 30, TAUBE_AUTOCONFIG_ERROR_MALFORMED);
  assert_parse_error (with_nul, sizeof (with_nul) - 1, TAUBE_AUTOCONFIG_ERROR_MALFORMED);
}

static void
test_truncated (void)
{
  g_autofree char *xml = document (IMAP ("imap.example.test", "993", "SSL")
                                   SMTP ("smtp.example.test", "465", "SSL"));
  gsize complete = strstr (xml, "</clientConfig>") - xml + strlen ("</clientConfig>");

  /* Every prefix that cuts the document short is refused; none crashes or half-parses. */
  for (gsize len = 0; len < complete; len++)
    assert_parse_error (xml, len, TAUBE_AUTOCONFIG_ERROR_MALFORMED);
  for (gsize len = complete; len <= strlen (xml); len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, len, NULL, &error);

      g_assert_no_error (error);
    }
}

static void
test_huge (void)
{
  GString *xml = g_string_new ("<clientConfig><emailProvider id=\"big\">"
                               IMAP ("imap.example.test", "993", "SSL"));
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len;

  while (xml->len < TAUBE_AUTOCONFIG_MAX_SIZE - 128)
    g_string_append (xml, "<domain>a-domain-that-pads-the-file.example.test</domain>\n");
  g_string_append (xml, "</emailProvider></clientConfig>");
  len = xml->len;
  g_assert_cmpuint (len, <=, TAUBE_AUTOCONFIG_MAX_SIZE);
  text = g_string_free (xml, FALSE);

  /* Just under the limit is read... */
  config = taube_autoconfig_parse (text, len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **) taube_provider_config_get_domains (config)), >, 4000);

  /* ...one byte over is refused before parsing (the byte after is the string's NUL). */
  assert_parse_error (text, TAUBE_AUTOCONFIG_MAX_SIZE + 1, TAUBE_AUTOCONFIG_ERROR_TOO_BIG);
  assert_parse_error (text, G_MAXSIZE, TAUBE_AUTOCONFIG_ERROR_TOO_BIG);
}

static void
test_first_provider_only (void)
{
  const char *xml =
    "<clientConfig><emailProvider id=\"first\">" IMAP ("imap.first.test", "993", "SSL")
    "</emailProvider><emailProvider id=\"second\">" IMAP ("imap.second.test", "993", "SSL")
    "</emailProvider></clientConfig>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml), NULL,
                                                                  &error);

  g_assert_no_error (error);
  g_assert_cmpstr (taube_provider_config_get_id (config), ==, "first");
  g_assert_cmpuint (n_incoming (config), ==, 1);
}

static void
test_invalid_address (void)
{
  const char *addresses[] = { "no-at-sign", "@example.test", "alice@", "alice@exa mple.test",
                              "alice@example.test/x", "" };
  g_autofree char *xml = document (IMAP ("imap.example.test", "993", "SSL"));

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml),
                                                                      addresses[i], &error);

      g_assert_null (config);
      g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS);
    }
}

static void
test_expansion_makes_bad_host (void)
{
  /* A local part with a space cannot become part of a host name: that server is dropped. */
  g_autofree char *xml = document (
    "<incomingServer type=\"imap\"><hostname>%EMAILLOCALPART%.example.test</hostname>"
    "<port>993</port><socketType>SSL</socketType></incomingServer>");
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml),
                                                                  "\"a b\"@example.test", &error);

  g_assert_null (config);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_NO_SERVERS);
}

static void
test_pop3_options (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    "<incomingServer type=\"pop3\"><hostname>pop.example.test</hostname><port>995</port>"
    "<socketType>SSL</socketType><pop3><leaveMessagesOnServer>false</leaveMessagesOnServer>"
    "<daysToLeaveMessagesOnServer>7</daysToLeaveMessagesOnServer>"
    "<checkInterval minutes=\"15\"/><downloadOnBiff>true</downloadOnBiff></pop3>"
    "</incomingServer>" POP3 ("plain-pop.example.test", "995", "SSL")
    "<incomingServer type=\"pop3\"><hostname>odd.example.test</hostname><port>995</port>"
    "<socketType>SSL</socketType><pop3><leaveMessagesOnServer>maybe</leaveMessagesOnServer>"
    "<daysToLeaveMessagesOnServer>-3</daysToLeaveMessagesOnServer></pop3></incomingServer>",
    "a@example.test");
  gboolean leave = TRUE;

  g_assert_true (taube_autoconfig_server_get_pop3_leave_on_server (incoming (config, 0), &leave));
  g_assert_false (leave);
  g_assert_cmpuint (taube_autoconfig_server_get_pop3_days_to_leave (incoming (config, 0)), ==, 7);
  g_assert_false (taube_autoconfig_server_get_pop3_leave_on_server (incoming (config, 1), NULL));
  g_assert_cmpuint (taube_autoconfig_server_get_pop3_days_to_leave (incoming (config, 1)), ==, 0);
  g_assert_false (taube_autoconfig_server_get_pop3_leave_on_server (incoming (config, 2), NULL));
  g_assert_cmpuint (taube_autoconfig_server_get_pop3_days_to_leave (incoming (config, 2)), ==, 0);
}

static void
test_authentication (void)
{
  g_autoptr(TaubeProviderConfig) config = parse_inner (
    "<incomingServer type=\"imap\"><hostname>imap.example.test</hostname><port>993</port>"
    "<socketType>SSL</socketType><authentication>OAuth2</authentication>"
    "<authentication>plain</authentication><authentication>oauth2</authentication>"
    "<authentication>GSAPI</authentication><authentication>secure</authentication>"
    "</incomingServer>", "a@example.test");
  const TaubeAutoconfigAuth expected[] = {
    TAUBE_AUTOCONFIG_AUTH_OAUTH2, TAUBE_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT,
    TAUBE_AUTOCONFIG_AUTH_GSSAPI, TAUBE_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED,
  };
  guint n_auth;
  const TaubeAutoconfigAuth *auth = taube_autoconfig_server_get_authentication (
    incoming (config, 0), &n_auth);

  g_assert_cmpmem (auth, n_auth * sizeof (*auth), expected, sizeof (expected));
  /* No username in the file: the assistant falls back to the address. */
  g_assert_null (taube_autoconfig_server_get_username (incoming (config, 0)));
}

static void
test_enable_and_documentation (void)
{
  const char *xml =
    "<clientConfig><emailProvider id=\"x\"><displayName>X %EMAILDOMAIN%</displayName>"
    IMAP ("imap.example.test", "993", "SSL")
    "<documentation url=\"https://one.test/\"><descr lang=\"en\">One</descr></documentation>"
    "<documentation><descr>no url</descr></documentation>"
    "<documentation url=\"https://two.test/?a=1&amp;b=2\"/></emailProvider>"
    "<enable visiturl=\"https://enable.test/\"><instruction lang=\"fr\">Activez</instruction>"
    "<instruction lang=\"de\">Schalten Sie ein</instruction></enable></clientConfig>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml),
                                                                  "a@example.test", &error);
  const char * const *urls;

  g_assert_no_error (error);
  g_assert_cmpstr (taube_provider_config_get_display_name (config), ==, "X example.test");
  urls = taube_provider_config_get_documentation_urls (config);
  g_assert_cmpuint (g_strv_length ((char **) urls), ==, 2);
  g_assert_cmpstr (urls[1], ==, "https://two.test/?a=1&b=2");
  /* <enable> beside <emailProvider>, as in web.de's file, counts too. */
  g_assert_cmpstr (taube_provider_config_get_enable_url (config), ==, "https://enable.test/");
  g_assert_cmpstr (taube_provider_config_get_enable_instruction (config, "de-AT"), ==,
                   "Schalten Sie ein");
  /* No text without a language: the first one stands in. */
  g_assert_cmpstr (taube_provider_config_get_enable_instruction (config, "sv"), ==, "Activez");
  g_assert_cmpstr (taube_provider_config_get_enable_instruction (config, "d"), ==, "Activez");
}

static void
test_enums (void)
{
  g_autoptr(GEnumClass) sources = g_type_class_ref (TAUBE_TYPE_AUTOCONFIG_SOURCE);
  TaubeAutoconfigAuth auth;

  /* The whole chain is named, though this module only produces the first two. */
  g_assert_cmpuint (sources->n_values, ==, 5);
  g_assert_cmpstr (g_enum_get_value (sources, TAUBE_AUTOCONFIG_SOURCE_MX)->value_nick, ==, "mx");
  g_assert_true (taube_autoconfig_auth_from_string ("TLS-client-cert", &auth));
  g_assert_cmpint (auth, ==, TAUBE_AUTOCONFIG_AUTH_TLS_CLIENT_CERT);
  g_assert_false (taube_autoconfig_auth_from_string ("kerberos5", &auth));
  g_assert_false (taube_autoconfig_auth_from_string (NULL, &auth));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autoconfig/parser/reference/all", test_reference_all);
  g_test_add_func ("/autoconfig/parser/reference/gmx", test_reference_gmx);
  g_test_add_func ("/autoconfig/parser/reference/local-part", test_reference_local_part);
  g_test_add_func ("/autoconfig/parser/reference/microsoft", test_reference_microsoft);
  g_test_add_func ("/autoconfig/parser/reference/several-of-a-type",
                   test_reference_several_of_a_type);
  g_test_add_func ("/autoconfig/parser/unknown-elements", test_unknown_elements);
  g_test_add_func ("/autoconfig/parser/placeholders", test_placeholders);
  g_test_add_func ("/autoconfig/parser/placeholder-unclosed", test_placeholder_unclosed);
  g_test_add_func ("/autoconfig/parser/templates-without-address",
                   test_templates_kept_without_address);
  g_test_add_func ("/autoconfig/parser/several-of-a-type", test_several_of_a_type_in_order);
  g_test_add_func ("/autoconfig/parser/plain-only", test_plain_only_never_recommended);
  g_test_add_func ("/autoconfig/parser/ranking", test_ranking);
  g_test_add_func ("/autoconfig/parser/ranking-protocol", test_encrypted_before_protocol);
  g_test_add_func ("/autoconfig/parser/bad-ports", test_bad_ports);
  g_test_add_func ("/autoconfig/parser/bad-servers", test_bad_servers_skipped);
  g_test_add_func ("/autoconfig/parser/no-servers", test_no_servers);
  g_test_add_func ("/autoconfig/parser/malformed", test_malformed);
  g_test_add_func ("/autoconfig/parser/malformed-position", test_malformed_position);
  g_test_add_func ("/autoconfig/parser/not-utf8", test_not_utf8);
  g_test_add_func ("/autoconfig/parser/truncated", test_truncated);
  g_test_add_func ("/autoconfig/parser/huge", test_huge);
  g_test_add_func ("/autoconfig/parser/first-provider-only", test_first_provider_only);
  g_test_add_func ("/autoconfig/parser/invalid-address", test_invalid_address);
  g_test_add_func ("/autoconfig/parser/expansion-bad-host", test_expansion_makes_bad_host);
  g_test_add_func ("/autoconfig/parser/pop3-options", test_pop3_options);
  g_test_add_func ("/autoconfig/parser/authentication", test_authentication);
  g_test_add_func ("/autoconfig/parser/enable-documentation", test_enable_and_documentation);
  g_test_add_func ("/autoconfig/parser/enums", test_enums);

  return g_test_run ();
}
