/* test-autoconfig-ports.c — standard ports and the assistant's switching rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "autoconfig-test-util.h"
#include "taube-autoconfig-ports.h"

static void
test_standard_ports (void)
{
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_TLS), ==,
                    993);
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_STARTTLS),
                    ==, 143);
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_IMAP, TAUBE_SECURITY_NONE), ==,
                    143);
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_POP3, TAUBE_SECURITY_TLS), ==,
                    995);
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_POP3, TAUBE_SECURITY_STARTTLS),
                    ==, 110);
  g_assert_cmpuint (taube_autoconfig_standard_port (TAUBE_PROTOCOL_POP3, TAUBE_SECURITY_NONE), ==,
                    110);
  g_assert_cmpuint (taube_autoconfig_standard_smtp_port (TAUBE_SECURITY_TLS), ==, 465);
  g_assert_cmpuint (taube_autoconfig_standard_smtp_port (TAUBE_SECURITY_STARTTLS), ==, 587);
  /* Never 25: that is for relays, not for a person's mail program. */
  g_assert_cmpuint (taube_autoconfig_standard_smtp_port (TAUBE_SECURITY_NONE), ==, 587);
}

static void
test_switch_security (void)
{
  const struct
  {
    TaubeProtocol protocol;
    guint port;
    TaubeSecurity from;
    TaubeSecurity to;
    guint expected;
  } cases[] = {
    { TAUBE_PROTOCOL_IMAP, 993, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 143 },
    { TAUBE_PROTOCOL_IMAP, 143, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_TLS, 993 },
    { TAUBE_PROTOCOL_IMAP, 143, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_NONE, 143 },
    { TAUBE_PROTOCOL_IMAP, 143, TAUBE_SECURITY_NONE, TAUBE_SECURITY_TLS, 993 },
    { TAUBE_PROTOCOL_IMAP, 993, TAUBE_SECURITY_TLS, TAUBE_SECURITY_NONE, 143 },
    { TAUBE_PROTOCOL_IMAP, 993, TAUBE_SECURITY_TLS, TAUBE_SECURITY_TLS, 993 },
    /* A port the person or provider chose stays. */
    { TAUBE_PROTOCOL_IMAP, 1993, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 1993 },
    { TAUBE_PROTOCOL_IMAP, 10143, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_TLS, 10143 },
    /* 143 is not "standard" for implicit TLS, so it is not moved either. */
    { TAUBE_PROTOCOL_IMAP, 143, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 143 },
    /* Another protocol's standard port is a custom port here. */
    { TAUBE_PROTOCOL_IMAP, 995, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 995 },
    { TAUBE_PROTOCOL_POP3, 995, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 110 },
    { TAUBE_PROTOCOL_POP3, 110, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_TLS, 995 },
    { TAUBE_PROTOCOL_POP3, 993, TAUBE_SECURITY_TLS, TAUBE_SECURITY_STARTTLS, 993 },
    { TAUBE_PROTOCOL_POP3, 1110, TAUBE_SECURITY_STARTTLS, TAUBE_SECURITY_TLS, 1110 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (taube_autoconfig_port_for_security (cases[i].protocol, cases[i].port,
                                                          cases[i].from, cases[i].to),
                      ==, cases[i].expected);
}

static void
test_switch_smtp_security (void)
{
  g_assert_cmpuint (taube_autoconfig_smtp_port_for_security (465, TAUBE_SECURITY_TLS,
                                                             TAUBE_SECURITY_STARTTLS), ==, 587);
  g_assert_cmpuint (taube_autoconfig_smtp_port_for_security (587, TAUBE_SECURITY_STARTTLS,
                                                             TAUBE_SECURITY_TLS), ==, 465);
  g_assert_cmpuint (taube_autoconfig_smtp_port_for_security (2525, TAUBE_SECURITY_STARTTLS,
                                                             TAUBE_SECURITY_TLS), ==, 2525);
  g_assert_cmpuint (taube_autoconfig_smtp_port_for_security (25, TAUBE_SECURITY_STARTTLS,
                                                             TAUBE_SECURITY_TLS), ==, 25);
  /* Charter runs implicit TLS on 587; turning that into STARTTLS keeps 587. */
  g_assert_cmpuint (taube_autoconfig_smtp_port_for_security (587, TAUBE_SECURITY_TLS,
                                                             TAUBE_SECURITY_STARTTLS), ==, 587);
}

static TaubeProviderConfig *
parse_reference_for (const char *name,
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
test_switch_protocol_detected (void)
{
  g_autoptr(TaubeProviderConfig) gmx = parse_reference_for ("gmx.net.xml", "alice@gmx.de");
  g_autoptr(TaubeAutoconfigServer) pop3 = NULL;
  g_autoptr(TaubeAutoconfigServer) imap = NULL;

  /* The person switches to POP3 while imap.gmx.net:143 STARTTLS is shown: the provider's own
   * POP3 server comes up, its best one, not a guess from the IMAP values. */
  pop3 = taube_autoconfig_incoming_for_protocol (gmx, TAUBE_PROTOCOL_POP3, "imap.gmx.net",
                                                 TAUBE_SECURITY_STARTTLS, "alice@gmx.de");
  assert_server (pop3, "pop.gmx.net", 995, TAUBE_SECURITY_TLS, "alice@gmx.de");
  g_assert_cmpint (taube_autoconfig_server_get_protocol (pop3), ==, TAUBE_PROTOCOL_POP3);

  imap = taube_autoconfig_incoming_for_protocol (gmx, TAUBE_PROTOCOL_IMAP, "pop.gmx.net",
                                                 TAUBE_SECURITY_TLS, "alice@gmx.de");
  assert_server (imap, "imap.gmx.net", 993, TAUBE_SECURITY_TLS, "alice@gmx.de");
}

static void
test_switch_protocol_standard (void)
{
  g_autoptr(TaubeProviderConfig) apple = parse_reference_for ("me.com.xml", "bob@me.com");
  g_autoptr(TaubeAutoconfigServer) pop3 = NULL;
  g_autoptr(TaubeAutoconfigServer) starttls = NULL;
  g_autoptr(TaubeAutoconfigServer) nothing_detected = NULL;

  /* iCloud has no POP3: the values shown stay, with POP3's standard port. */
  pop3 = taube_autoconfig_incoming_for_protocol (apple, TAUBE_PROTOCOL_POP3, "imap.mail.me.com",
                                                 TAUBE_SECURITY_TLS, "bob");
  assert_server (pop3, "imap.mail.me.com", 995, TAUBE_SECURITY_TLS, "bob");
  g_assert_cmpint (taube_autoconfig_server_get_protocol (pop3), ==, TAUBE_PROTOCOL_POP3);

  starttls = taube_autoconfig_incoming_for_protocol (apple, TAUBE_PROTOCOL_POP3, "mail.me.test",
                                                     TAUBE_SECURITY_STARTTLS, NULL);
  assert_server (starttls, "mail.me.test", 110, TAUBE_SECURITY_STARTTLS, NULL);

  nothing_detected = taube_autoconfig_incoming_for_protocol (NULL, TAUBE_PROTOCOL_IMAP,
                                                             "mail.example.test",
                                                             TAUBE_SECURITY_TLS, "carol");
  assert_server (nothing_detected, "mail.example.test", 993, TAUBE_SECURITY_TLS, "carol");
}

static void
test_switch_protocol_never_plain (void)
{
  const char *xml =
    "<clientConfig><emailProvider id=\"x\">"
    "<incomingServer type=\"imap\"><hostname>imap.example.test</hostname><port>993</port>"
    "<socketType>SSL</socketType></incomingServer>"
    "<incomingServer type=\"pop3\"><hostname>pop.example.test</hostname><port>110</port>"
    "<socketType>plain</socketType></incomingServer></emailProvider></clientConfig>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TaubeProviderConfig) config = taube_autoconfig_parse (xml, strlen (xml), NULL,
                                                                  &error);
  g_autoptr(TaubeAutoconfigServer) pop3 = NULL;

  g_assert_no_error (error);
  /* The provider's POP3 server is plain text only: it is not offered automatically. */
  pop3 = taube_autoconfig_incoming_for_protocol (config, TAUBE_PROTOCOL_POP3,
                                                 "imap.example.test", TAUBE_SECURITY_TLS, NULL);
  assert_server (pop3, "imap.example.test", 995, TAUBE_SECURITY_TLS, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/autoconfig/ports/standard", test_standard_ports);
  g_test_add_func ("/autoconfig/ports/switch-security", test_switch_security);
  g_test_add_func ("/autoconfig/ports/switch-smtp-security", test_switch_smtp_security);
  g_test_add_func ("/autoconfig/ports/switch-protocol-detected", test_switch_protocol_detected);
  g_test_add_func ("/autoconfig/ports/switch-protocol-standard", test_switch_protocol_standard);
  g_test_add_func ("/autoconfig/ports/switch-protocol-never-plain",
                   test_switch_protocol_never_plain);

  return g_test_run ();
}
