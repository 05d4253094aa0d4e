/* taube-autoconfig-parser.c — reads a provider's config-v1.1.xml
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format: clientConfig > emailProvider > domain*, displayName, displayShortName,
 * incomingServer* and outgoingServer* (hostname, port, socketType, username, authentication*,
 * pop3 { leaveMessagesOnServer, daysToLeaveMessagesOnServer }), documentation@url and
 * enable@visiturl > instruction*. It is read with GMarkup as a small state machine: every open
 * element gets a context from its parent's context and its name (the table below), and
 * anything the table does not know is skipped with everything inside it, so providers' own
 * extensions (webMail, oAuth2, calendar, Exchange servers) do no harm.
 *
 * What real files get wrong, and how it is taken: a server with an unknown type or
 * socketType, no host name or a port outside 1–65535 is left out, not guessed at; several
 * servers of one type are all kept in file order; only the first emailProvider counts, as in
 * Thunderbird; "enable" is also accepted beside emailProvider (web.de has it there).
 */
#define G_LOG_DOMAIN "taube-autoconfig"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "taube-autoconfig-error.h"
#include "taube-autoconfig-parser.h"
#include "taube-autoconfig-private.h"

typedef enum
{
  CONTEXT_DOCUMENT,
  CONTEXT_SKIP,
  CONTEXT_ROOT,
  CONTEXT_PROVIDER,
  CONTEXT_SERVER,
  CONTEXT_POP3,
  CONTEXT_DOCUMENTATION,
  CONTEXT_ENABLE,
  CONTEXT_FIELD,
} Context;

typedef enum
{
  FIELD_NONE,
  FIELD_DOMAIN,
  FIELD_DISPLAY_NAME,
  FIELD_SHORT_NAME,
  FIELD_HOSTNAME,
  FIELD_PORT,
  FIELD_SOCKET_TYPE,
  FIELD_USERNAME,
  FIELD_AUTHENTICATION,
  FIELD_LEAVE_ON_SERVER,
  FIELD_DAYS_ON_SERVER,
  FIELD_INSTRUCTION,
} Field;

static const struct
{
  Context parent;
  const char *element;
  Context context;
  Field field;
} grammar[] = {
  { CONTEXT_DOCUMENT, "clientConfig", CONTEXT_ROOT, FIELD_NONE },
  { CONTEXT_ROOT, "emailProvider", CONTEXT_PROVIDER, FIELD_NONE },
  { CONTEXT_ROOT, "enable", CONTEXT_ENABLE, FIELD_NONE },
  { CONTEXT_PROVIDER, "domain", CONTEXT_FIELD, FIELD_DOMAIN },
  { CONTEXT_PROVIDER, "displayName", CONTEXT_FIELD, FIELD_DISPLAY_NAME },
  { CONTEXT_PROVIDER, "displayShortName", CONTEXT_FIELD, FIELD_SHORT_NAME },
  { CONTEXT_PROVIDER, "incomingServer", CONTEXT_SERVER, FIELD_NONE },
  { CONTEXT_PROVIDER, "outgoingServer", CONTEXT_SERVER, FIELD_NONE },
  { CONTEXT_PROVIDER, "documentation", CONTEXT_DOCUMENTATION, FIELD_NONE },
  { CONTEXT_PROVIDER, "enable", CONTEXT_ENABLE, FIELD_NONE },
  { CONTEXT_SERVER, "hostname", CONTEXT_FIELD, FIELD_HOSTNAME },
  { CONTEXT_SERVER, "port", CONTEXT_FIELD, FIELD_PORT },
  { CONTEXT_SERVER, "socketType", CONTEXT_FIELD, FIELD_SOCKET_TYPE },
  { CONTEXT_SERVER, "username", CONTEXT_FIELD, FIELD_USERNAME },
  { CONTEXT_SERVER, "authentication", CONTEXT_FIELD, FIELD_AUTHENTICATION },
  { CONTEXT_SERVER, "pop3", CONTEXT_POP3, FIELD_NONE },
  { CONTEXT_POP3, "leaveMessagesOnServer", CONTEXT_FIELD, FIELD_LEAVE_ON_SERVER },
  { CONTEXT_POP3, "daysToLeaveMessagesOnServer", CONTEXT_FIELD, FIELD_DAYS_ON_SERVER },
  { CONTEXT_ENABLE, "instruction", CONTEXT_FIELD, FIELD_INSTRUCTION },
};

/* A server as read so far; checked and turned into a TaubeAutoconfigServer at its end tag. */
typedef struct
{
  gboolean outgoing;
  char *type;
  char *hostname;
  char *port;
  char *socket_type;
  char *username;
  GPtrArray *authentication;
  int leave;
  guint days;
} ServerDraft;

typedef struct
{
  GArray *contexts;
  Field field;
  GString *text;
  char *language;
  gboolean root_seen;
  gboolean provider_seen;
  TaubeProviderConfig *config;
  ServerDraft *server;
} Parser;

static void
server_draft_free (ServerDraft *draft)
{
  g_free (draft->type);
  g_free (draft->hostname);
  g_free (draft->port);
  g_free (draft->socket_type);
  g_free (draft->username);
  g_ptr_array_unref (draft->authentication);
  g_free (draft);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServerDraft, server_draft_free)

static void
parser_clear (Parser *parser)
{
  g_clear_pointer (&parser->contexts, g_array_unref);
  if (parser->text != NULL)
    g_string_free (g_steal_pointer (&parser->text), TRUE);
  g_clear_pointer (&parser->language, g_free);
  g_clear_object (&parser->config);
  g_clear_pointer (&parser->server, server_draft_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parser, parser_clear)

static const char *
attribute (const char **names,
           const char **values,
           const char  *wanted)
{
  for (gsize i = 0; names[i] != NULL; i++)
    {
      if (strcmp (names[i], wanted) == 0)
        return values[i];
    }
  return NULL;
}

static Context
child_context (Context     parent,
               const char *element,
               Field      *field)
{
  *field = FIELD_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS (grammar); i++)
    {
      if (grammar[i].parent == parent && strcmp (grammar[i].element, element) == 0)
        {
          *field = grammar[i].field;
          return grammar[i].context;
        }
    }
  return CONTEXT_SKIP;
}

static ServerDraft *
server_draft_new (const char *element,
                  const char *type)
{
  ServerDraft *draft = g_new0 (ServerDraft, 1);

  draft->outgoing = strcmp (element, "outgoingServer") == 0;
  draft->type = g_strdup (type);
  draft->authentication = g_ptr_array_new_with_free_func (g_free);
  draft->leave = -1;
  return draft;
}

/* What an element does when it opens; returns the context it really gets. */
static Context
enter (Parser      *parser,
       Context      context,
       const char  *element,
       const char **names,
       const char **values)
{
  switch (context)
    {
    case CONTEXT_PROVIDER:
      /* Only the first provider counts; a second one would mix two providers' servers. */
      if (parser->provider_seen)
        return CONTEXT_SKIP;
      parser->provider_seen = TRUE;
      parser->config = _taube_provider_config_new (attribute (names, values, "id"));
      break;
    case CONTEXT_SERVER:
      g_clear_pointer (&parser->server, server_draft_free);
      parser->server = server_draft_new (element, attribute (names, values, "type"));
      break;
    case CONTEXT_DOCUMENTATION:
      if (attribute (names, values, "url") != NULL && parser->config != NULL)
        _taube_provider_config_add_documentation (parser->config,
                                                  attribute (names, values, "url"));
      break;
    case CONTEXT_ENABLE:
      if (attribute (names, values, "visiturl") != NULL && parser->config != NULL
          && taube_provider_config_get_enable_url (parser->config) == NULL)
        _taube_provider_config_set_enable_url (parser->config,
                                               attribute (names, values, "visiturl"));
      break;
    case CONTEXT_FIELD:
      g_string_truncate (parser->text, 0);
      g_free (parser->language);
      parser->language = g_strdup (attribute (names, values, "lang"));
      break;
    case CONTEXT_DOCUMENT:
    case CONTEXT_SKIP:
    case CONTEXT_ROOT:
    case CONTEXT_POP3:
    default:
      break;
    }
  return context;
}

static void
parser_start_element (GMarkupParseContext  *markup,
                      const char           *element,
                      const char          **names,
                      const char          **values,
                      gpointer              user_data,
                      GError              **error)
{
  Parser *parser = user_data;
  Context parent = g_array_index (parser->contexts, Context, parser->contexts->len - 1);
  Field field = FIELD_NONE;
  Context context = CONTEXT_SKIP;

  /* GMarkup accepts a second top-level element; XML does not, and neither does Taube. */
  if (parent == CONTEXT_DOCUMENT && parser->root_seen)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "more than one root element");
      return;
    }
  parser->root_seen |= parent == CONTEXT_DOCUMENT;
  if (parent != CONTEXT_SKIP && parent != CONTEXT_FIELD)
    context = child_context (parent, element, &field);
  context = enter (parser, context, element, names, values);
  if (context == CONTEXT_FIELD)
    parser->field = field;
  g_array_append_val (parser->contexts, context);
}

static void
parser_text (GMarkupParseContext  *markup,
             const char           *text,
             gsize                 len,
             gpointer              user_data,
             GError              **error)
{
  Parser *parser = user_data;

  if (g_array_index (parser->contexts, Context, parser->contexts->len - 1) == CONTEXT_FIELD)
    g_string_append_len (parser->text, text, len);
}

static gboolean
parse_boolean (const char *text,
               int        *value)
{
  if (g_ascii_strcasecmp (text, "true") == 0)
    *value = 1;
  else if (g_ascii_strcasecmp (text, "false") == 0)
    *value = 0;
  else
    return FALSE;
  return TRUE;
}

static void
replace (char       **field,
         const char  *text)
{
  g_free (*field);
  *field = g_strdup (text);
}

static void
apply_server_field (ServerDraft *draft,
                    Field        field,
                    const char  *text)
{
  guint64 days;

  switch (field)
    {
    case FIELD_HOSTNAME: replace (&draft->hostname, text); break;
    case FIELD_PORT: replace (&draft->port, text); break;
    case FIELD_SOCKET_TYPE: replace (&draft->socket_type, text); break;
    case FIELD_USERNAME: replace (&draft->username, text); break;
    case FIELD_AUTHENTICATION: g_ptr_array_add (draft->authentication, g_strdup (text)); break;
    case FIELD_LEAVE_ON_SERVER: parse_boolean (text, &draft->leave); break;
    case FIELD_DAYS_ON_SERVER:
      if (g_ascii_string_to_unsigned (text, 10, 0, 36500, &days, NULL))
        draft->days = (guint) days;
      break;
    default: g_assert_not_reached ();
    }
}

static void
apply_field (Parser     *parser,
             const char *text)
{
  TaubeProviderConfig *config = parser->config;

  /* An <enable> beside emailProvider may come before it; there is nothing to attach it to. */
  if (config == NULL)
    return;
  switch (parser->field)
    {
    case FIELD_DOMAIN:
      if (*text != '\0')
        _taube_provider_config_add_domain (config, text);
      break;
    case FIELD_DISPLAY_NAME:
      _taube_provider_config_set_names (config, text,
                                        taube_provider_config_get_short_name (config));
      break;
    case FIELD_SHORT_NAME:
      _taube_provider_config_set_names (config, taube_provider_config_get_display_name (config),
                                        text);
      break;
    case FIELD_INSTRUCTION:
      _taube_provider_config_add_instruction (config, parser->language, text);
      break;
    case FIELD_NONE:
      g_assert_not_reached ();
    default:
      g_assert (parser->server != NULL);
      apply_server_field (parser->server, parser->field, text);
      break;
    }
}

static gboolean
parse_socket_type (const char    *text,
                   TaubeSecurity *security)
{
  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "SSL") == 0)
    *security = TAUBE_SECURITY_TLS;
  else if (g_ascii_strcasecmp (text, "STARTTLS") == 0)
    *security = TAUBE_SECURITY_STARTTLS;
  else if (g_ascii_strcasecmp (text, "plain") == 0)
    *security = TAUBE_SECURITY_NONE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_type (const ServerDraft *draft,
            TaubeProtocol     *protocol)
{
  if (draft->type == NULL)
    return FALSE;
  if (draft->outgoing)
    return g_ascii_strcasecmp (draft->type, "smtp") == 0;
  if (g_ascii_strcasecmp (draft->type, "imap") == 0)
    *protocol = TAUBE_PROTOCOL_IMAP;
  else if (g_ascii_strcasecmp (draft->type, "pop3") == 0)
    *protocol = TAUBE_PROTOCOL_POP3;
  else
    return FALSE;
  return TRUE;
}

static TaubeAutoconfigServer *
skip_server (const char *what,
             const char *value)
{
  g_debug ("Skipping a server: %s “%s”", what, value != NULL ? value : "(none)");
  return NULL;
}

/* The server, or NULL (and why, for G_MESSAGES_DEBUG) if it cannot be used as it stands. */
static TaubeAutoconfigServer *
server_from_draft (const ServerDraft *draft)
{
  TaubeProtocol protocol = TAUBE_PROTOCOL_IMAP;
  TaubeSecurity security;
  guint64 port;
  TaubeAutoconfigServer *server;

  if (!parse_type (draft, &protocol))
    return skip_server ("type", draft->type);
  if (!_taube_autoconfig_is_host_name (draft->hostname, TRUE))
    return skip_server ("host name", draft->hostname);
  if (draft->port == NULL || !g_ascii_string_to_unsigned (draft->port, 10, 1, 65535, &port, NULL))
    return skip_server ("port", draft->port);
  if (!parse_socket_type (draft->socket_type, &security))
    return skip_server ("socketType", draft->socket_type);

  if (draft->outgoing)
    server = taube_autoconfig_server_new_outgoing (draft->hostname, (guint) port, security,
                                                   draft->username);
  else
    server = taube_autoconfig_server_new_incoming (protocol, draft->hostname, (guint) port,
                                                   security, draft->username);
  for (guint i = 0; i < draft->authentication->len; i++)
    {
      TaubeAutoconfigAuth auth;

      if (taube_autoconfig_auth_from_string (g_ptr_array_index (draft->authentication, i), &auth))
        _taube_autoconfig_server_add_authentication (server, auth);
    }
  if (!draft->outgoing && protocol == TAUBE_PROTOCOL_POP3)
    _taube_autoconfig_server_set_pop3 (server, draft->leave, draft->days);
  return server;
}

static void
parser_end_element (GMarkupParseContext  *markup,
                    const char           *element,
                    gpointer              user_data,
                    GError              **error)
{
  Parser *parser = user_data;
  Context context = g_array_index (parser->contexts, Context, parser->contexts->len - 1);

  g_array_set_size (parser->contexts, parser->contexts->len - 1);
  if (context == CONTEXT_FIELD)
    apply_field (parser, g_strstrip (parser->text->str));
  else if (context == CONTEXT_SERVER)
    {
      g_autoptr(ServerDraft) draft = g_steal_pointer (&parser->server);
      g_autoptr(TaubeAutoconfigServer) server = server_from_draft (draft);

      if (server != NULL)
        _taube_provider_config_add_server (parser->config, server);
    }
}

static const GMarkupParser markup_parser = {
  parser_start_element,
  parser_end_element,
  parser_text,
  NULL,
  NULL,
};

static gboolean
set_malformed_error (GError **error,
                     int      line,
                     int      character)
{
  g_set_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_MALFORMED,
               /* Translators: the provider's settings file is broken; the numbers say where. */
               _("The provider’s settings are damaged (not valid XML at line %d, character %d). "
                 "Enter the server settings by hand."),
               line, character);
  return FALSE;
}

/* GMarkup ends a text at a NUL byte and carries on after it, so "imap.a.test\0.b.test" would
 * quietly read as "imap.a.test". XML has no NUL; a document with one is refused whole. */
static gboolean
check_no_nul (const char  *xml,
              gsize        len,
              GError     **error)
{
  const char *nul = memchr (xml, '\0', len);
  int line = 1;
  const char *line_start = xml;

  if (nul == NULL)
    return TRUE;
  for (const char *p = xml; p < nul; p++)
    {
      if (*p == '\n')
        {
          line++;
          line_start = p + 1;
        }
    }
  return set_malformed_error (error, line, (int) g_utf8_strlen (line_start, nul - line_start) + 1);
}

static gboolean
parse_markup (Parser      *parser,
              const char  *xml,
              gsize        len,
              GError     **error)
{
  g_autoptr(GMarkupParseContext) markup = NULL;
  g_autoptr(GError) markup_error = NULL;
  int line = 0;
  int character = 0;

  if (!check_no_nul (xml, len, error))
    return FALSE;
  markup = g_markup_parse_context_new (&markup_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, parser,
                                       NULL);
  if (g_markup_parse_context_parse (markup, xml, (gssize) len, &markup_error)
      && g_markup_parse_context_end_parse (markup, &markup_error))
    {
      /* GMarkup takes "<?xml …?>" alone (a truncated download) for a document. */
      if (parser->root_seen)
        return TRUE;
      g_markup_parse_context_get_position (markup, &line, &character);
      return set_malformed_error (error, line, character);
    }

  g_markup_parse_context_get_position (markup, &line, &character);
  /* GMarkup quotes the offending bytes, which need not be UTF-8. */
  g_debug ("Settings not well-formed: %s",
           g_utf8_validate (markup_error->message, -1, NULL) ? markup_error->message
                                                              : "invalid UTF-8");
  return set_malformed_error (error, line, character);
}

/**
 * taube_autoconfig_parse:
 * @xml: a config-v1.1.xml document (UTF-8)
 * @len: its length in bytes
 * @email_address: (nullable): the address to fill the %EMAIL…% placeholders with, or %NULL to
 *   keep them (as the provider database does)
 * @error: return location for a #GError
 *
 * Reads a provider's settings. Unknown elements are ignored; servers Taube cannot use (an
 * unknown type or socketType, a port outside 1–65535, no host name) are left out. The result's
 * source is %TAUBE_AUTOCONFIG_SOURCE_AUTOCONFIG.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL with
 *   %TAUBE_AUTOCONFIG_ERROR_TOO_BIG, %TAUBE_AUTOCONFIG_ERROR_MALFORMED (the message gives the
 *   position), %TAUBE_AUTOCONFIG_ERROR_NO_SERVERS or %TAUBE_AUTOCONFIG_ERROR_INVALID_ADDRESS
 */
TaubeProviderConfig *
taube_autoconfig_parse (const char  *xml,
                        gsize        len,
                        const char  *email_address,
                        GError     **error)
{
  g_auto(Parser) parser = { NULL, };
  Context document = CONTEXT_DOCUMENT;

  g_return_val_if_fail (xml != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > TAUBE_AUTOCONFIG_MAX_SIZE)
    {
      g_set_error (error, TAUBE_AUTOCONFIG_ERROR, TAUBE_AUTOCONFIG_ERROR_TOO_BIG,
                   /* Translators: %u is a size in kibibytes (256). */
                   _("The provider’s settings file is larger than %u KiB and was not read. "
                     "Enter the server settings by hand."),
                   TAUBE_AUTOCONFIG_MAX_SIZE / 1024);
      return NULL;
    }
  parser.contexts = g_array_new (FALSE, FALSE, sizeof (Context));
  g_array_append_val (parser.contexts, document);
  parser.text = g_string_new (NULL);
  if (!parse_markup (&parser, xml != NULL ? xml : "", len, error))
    return NULL;

  if (parser.config == NULL
      || g_list_model_get_n_items (taube_provider_config_get_incoming_servers (parser.config)) == 0)
    {
      _taube_autoconfig_set_no_servers_error (error);
      return NULL;
    }
  if (email_address != NULL)
    return taube_provider_config_expand (parser.config, email_address, error);
  return g_steal_pointer (&parser.config);
}
