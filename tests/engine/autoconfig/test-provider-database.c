/* test-provider-database.c — the built-in provider files: complete, cited, and found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "autoconfig-test-util.h"
#include "taube-provider-database.h"

static TaubeProviderDatabase *database;

static char *
providers_path (const char *name)
{
  return g_build_filename (g_getenv ("TAUBE_SOURCE_DIR"), "data", "providers", name, NULL);
}

static GPtrArray *
shipped_files (void)
{
  g_autofree char *path = providers_path (NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".xml"))
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

static void
test_count (void)
{
  GListModel *providers = taube_provider_database_get_providers (database);
  g_autoptr(GPtrArray) files = shipped_files ();

  g_assert_cmpuint (g_list_model_get_n_items (providers), >=, 50);
  /* Every file in data/providers made it into the resource, and every one parsed. */
  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, files->len);
}

/* Each file names its source in the comment right after the XML declaration, and
 * SOURCES.md lists it. */
static void
test_files_cited (void)
{
  g_autoptr(GPtrArray) files = shipped_files ();
  g_autofree char *sources_path = providers_path ("SOURCES.md");
  g_autofree char *sources = read_file (sources_path, NULL);

  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = providers_path (name);
      g_autofree char *xml = read_file (path, NULL);
      g_autofree char *listed = g_strdup_printf ("| `%s` |", name);
      const char *comment = strstr (xml, "<!-- Source: Thunderbird ISPDB, thunderbird/autoconfig"
                                          " ispdb/");

      g_test_message ("%s", name);
      g_assert_nonnull (comment);
      g_assert_true (comment < strstr (xml, "<clientConfig"));
      g_assert_nonnull (strstr (comment, " at commit "));
      g_assert_nonnull (strstr (comment, "(facts only) -->"));
      g_assert_nonnull (strstr (sources, listed));
    }
}

static void
test_files_parse (void)
{
  g_autoptr(GPtrArray) files = shipped_files ();

  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = providers_path (name);
      gsize len;
      g_autofree char *xml = read_file (path, &len);
      g_autoptr(GError) error = NULL;
      g_autoptr(TaubeProviderConfig) templates = taube_autoconfig_parse (xml, len, NULL, &error);
      g_autoptr(TaubeProviderConfig) config = NULL;
      g_autoptr(TaubeAutoconfigServer) recommended = NULL;
      g_autofree char *address = NULL;

      g_test_message ("%s", name);
      g_assert_no_error (error);
      g_assert_nonnull (taube_provider_config_get_display_name (templates));
      g_assert_nonnull (taube_provider_config_get_domains (templates)[0]);
      address = g_strconcat ("alice@", taube_provider_config_get_domains (templates)[0], NULL);
      config = taube_provider_config_expand (templates, address, &error);
      g_assert_no_error (error);
      /* Every shipped provider has an encrypted server to suggest. */
      recommended = taube_provider_config_get_recommended_incoming (config);
      g_assert_nonnull (recommended);
      g_assert_null (strchr (taube_autoconfig_server_get_hostname (recommended), '%'));
    }
}

static void
assert_provider (const char *domain,
                 const char *id)
{
  TaubeProviderConfig *config = taube_provider_database_lookup_domain (database, domain);

  g_test_message ("%s", domain);
  g_assert_nonnull (config);
  g_assert_cmpstr (taube_provider_config_get_id (config), ==, id);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_DATABASE);
}

static void
test_lookup_domain (void)
{
  assert_provider ("gmx.net", "gmx.net");
  assert_provider ("gmx.de", "gmx.net");
  assert_provider ("gmx.at", "gmx.net");
  assert_provider ("gmx.com", "gmx.com");
  assert_provider ("GMX.CH", "gmx.net");
  assert_provider ("gmx.de.", "gmx.net");
  assert_provider (" web.de ", "web.de");
  assert_provider ("gmail.com", "googlemail.com");
  assert_provider ("googlemail.com", "googlemail.com");
  assert_provider ("outlook.de", "hotmail.com");
  assert_provider ("live.co.uk", "hotmail.com");
  assert_provider ("icloud.com", "me.com");
  assert_provider ("mac.com", "me.com");
  assert_provider ("magenta.de", "t-online.de");
  assert_provider ("arcor.de", "vodafonemail.de");
  assert_provider ("posteo.ch", "posteo.de");
  assert_provider ("wanadoo.fr", "orange.fr");
  assert_provider ("xs4all.nl", "kpnmail.nl");
  assert_provider ("sbcglobal.net", "att.net");
  assert_provider ("linuxmail.org", "mail.com");
  assert_provider ("ya.ru", "yandex.ru");
  assert_provider ("bk.ru", "mail.ru");
  assert_provider ("aim.com", "aol.com");
  assert_provider ("aon.at", "a1.net");
  g_assert_null (taube_provider_database_lookup_domain (database, "example.test"));
  g_assert_null (taube_provider_database_lookup_domain (database, ""));
  g_assert_null (taube_provider_database_lookup_domain (database, "de"));
  /* Not an alias of anything: a subdomain of a provider is a different domain. */
  g_assert_null (taube_provider_database_lookup_domain (database, "mail.gmx.de"));
}

static void
test_duplicate_domains (void)
{
  /* yahoo.com.xml lists cox.net, which has its own file: the provider named so wins. */
  assert_provider ("cox.net", "cox.net");
  /* 1und1.de.xml and ionos.de.xml both list these: the first file by name wins. */
  assert_provider ("kundenserver.de", "1und1.de");
  assert_provider ("schlund.de", "1und1.de");
}

static void
test_lookup_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) web = taube_provider_database_lookup_address (
    database, "Alice.Example@Web.DE", &error);
  g_autoptr(TaubeProviderConfig) inbox = NULL;
  g_autoptr(TaubeProviderConfig) unknown = NULL;
  g_autoptr(TaubeProviderConfig) invalid = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (web), ==, TAUBE_AUTOCONFIG_SOURCE_DATABASE);
  assert_server (incoming (web, 0), "imap.web.de", 993, TAUBE_SECURITY_TLS, "Alice.Example");

  /* inbox.lv's entry serves four domains with "mail.%EMAILDOMAIN%". */
  inbox = taube_provider_database_lookup_address (database, "bob@inbox.lt", &error);
  g_assert_no_error (error);
  assert_server (incoming (inbox, 0), "mail.inbox.lt", 993, TAUBE_SECURITY_TLS, "bob@inbox.lt");
  g_assert_cmpstr (taube_provider_config_get_display_name (inbox), ==, "inbox.lt");

  unknown = taube_provider_database_lookup_address (database, "carol@example.test", &error);
  g_assert_no_error (error);
  g_assert_null (unknown);

  invalid = taube_provider_database_lookup_address (database, "carol", &error);
  g_assert_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS);
  g_assert_null (invalid);
}

static void
assert_mx (const char *mx_host,
           const char *id)
{
  TaubeProviderConfig *config = taube_provider_database_lookup_mx_host (database, mx_host);

  g_test_message ("%s", mx_host);
  if (id == NULL)
    {
      g_assert_null (config);
      return;
    }
  g_assert_nonnull (config);
  g_assert_cmpstr (taube_provider_config_get_id (config), ==, id);
}

static void
test_lookup_mx (void)
{
  assert_mx ("mx00.emig.gmx.net", "gmx.net");
  assert_mx ("MX01.EMIG.GMX.NET.", "gmx.net");
  assert_mx ("mx-ha03.web.de", "web.de");
  assert_mx ("example-com.mail.protection.outlook.com", "office365.com");
  assert_mx ("eur.olc.protection.outlook.com", "hotmail.com");
  assert_mx ("mta7.am0.yahoodns.net", "yahoo.com");
  assert_mx ("mx-aol.mail.gm0.yahoodns.net", "aol.com");
  assert_mx ("aspmx1.migadu.com", "migadu.com");
  assert_mx ("in1-smtp.messagingengine.com", "MessagingEngine");
  assert_mx ("mx01.kundenserver.de", "1und1.de");
  assert_mx ("smtpin.rzone.de", "strato.de");
  assert_mx ("gmail-smtp-in.l.google.com", "googlemail.com");
  assert_mx ("mx.example.test", NULL);
  assert_mx ("net", NULL);
  assert_mx ("", NULL);
}

static void
test_lookup_address_by_mx (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_provider_database_lookup_address_by_mx (
    database, "dave@own-domain.example", "own-domain-example.mail.protection.outlook.com",
    &error);
  g_autoptr(TaubeProviderConfig) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (taube_provider_config_get_source (config), ==, TAUBE_AUTOCONFIG_SOURCE_MX);
  assert_server (incoming (config, 0), "outlook.office365.com", 993, TAUBE_SECURITY_TLS,
                 "dave@own-domain.example");

  none = taube_provider_database_lookup_address_by_mx (database, "dave@own-domain.example",
                                                       "mx.own-domain.example", &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

static void
test_shipped_facts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) rediff = taube_provider_database_lookup_address (
    database, "e@rediffmail.com", &error);
  g_autoptr(TaubeAutoconfigServer) best = taube_provider_config_get_recommended_incoming (rediff);
  g_autoptr(TaubeAutoconfigServer) smtp = taube_provider_config_get_recommended_outgoing (rediff);
  g_autoptr(TaubeProviderConfig) ewe = taube_provider_database_lookup_address (
    database, "f@ewetel.de", &error);
  gboolean leave = FALSE;

  /* Rediffmail lists plain POP3 first; the suggestion is its TLS server. */
  g_assert_no_error (error);
  assert_server (incoming (rediff, 0), "pop.rediffmail.com", 110, TAUBE_SECURITY_NONE,
                 "e@rediffmail.com");
  assert_server (best, "pop.rediffmail.com", 995, TAUBE_SECURITY_TLS, "e@rediffmail.com");
  g_assert_cmpuint (taube_autoconfig_server_get_port (smtp), ==, 586);

  g_assert_true (taube_autoconfig_server_get_pop3_leave_on_server (incoming (ewe, 0), &leave));
  g_assert_true (leave);
  g_assert_cmpuint (taube_autoconfig_server_get_pop3_days_to_leave (incoming (ewe, 0)), ==, 7);
}

static void
test_extra_dir (void)
{
  g_autofree char *dir = g_dir_make_tmp ("taube-providers-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "example.test.xml", NULL);
  g_autofree char *posteo_file = g_build_filename (dir, "posteo.xml", NULL);
  g_autoptr(TaubeProviderDatabase) extra = NULL;
  g_autoptr(TaubeProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *xml =
    "<clientConfig version=\"1.1\"><emailProvider id=\"example.test\">"
    "<domain>example.test</domain><domain>posteo.de</domain>"
    "<incomingServer type=\"imap\"><hostname>127.0.0.1</hostname><port>10993</port>"
    "<socketType>SSL</socketType><username>%EMAILADDRESS%</username>"
    "<authentication>password-cleartext</authentication></incomingServer>"
    "</emailProvider></clientConfig>";

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (file, xml, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (posteo_file, "not xml", -1, &error));
  g_assert_no_error (error);

  g_setenv ("TAUBE_PROVIDERS_EXTRA_DIR", dir, TRUE);
  g_test_expect_message ("taube-autoconfig", G_LOG_LEVEL_WARNING, "*posteo.xml*");
  extra = taube_provider_database_new ();
  g_test_assert_expected_messages ();
  g_unsetenv ("TAUBE_PROVIDERS_EXTRA_DIR");

  /* The added file wins over the built-in one for a domain both list. */
  g_assert_cmpuint (g_list_model_get_n_items (taube_provider_database_get_providers (extra)), ==,
                    g_list_model_get_n_items (taube_provider_database_get_providers (database))
                    + 1);
  g_assert_cmpstr (taube_provider_config_get_id (
                     taube_provider_database_lookup_domain (extra, "posteo.de")), ==,
                   "example.test");
  config = taube_provider_database_lookup_address (extra, "alice@example.test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_assert_cmpint (taube_provider_config_get_source (config), ==,
                   TAUBE_AUTOCONFIG_SOURCE_DATABASE);
  g_assert_null (taube_provider_database_lookup_domain (database, "example.test"));

  g_unlink (file);
  g_unlink (posteo_file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  database = taube_provider_database_new ();

  g_test_add_func ("/autoconfig/database/count", test_count);
  g_test_add_func ("/autoconfig/database/files-cited", test_files_cited);
  g_test_add_func ("/autoconfig/database/files-parse", test_files_parse);
  g_test_add_func ("/autoconfig/database/lookup-domain", test_lookup_domain);
  g_test_add_func ("/autoconfig/database/duplicate-domains", test_duplicate_domains);
  g_test_add_func ("/autoconfig/database/lookup-address", test_lookup_address);
  g_test_add_func ("/autoconfig/database/lookup-mx", test_lookup_mx);
  g_test_add_func ("/autoconfig/database/lookup-address-by-mx", test_lookup_address_by_mx);
  g_test_add_func ("/autoconfig/database/shipped-facts", test_shipped_facts);
  g_test_add_func ("/autoconfig/database/extra-dir", test_extra_dir);

  status = g_test_run ();
  g_clear_object (&database);
  return status;
}
