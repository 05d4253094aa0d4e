/* taube-test-server.c — a scripted line server for protocol error paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real servers do not send garbage, drop the connection in the middle of a message or
 * stop answering on request; this one does. It listens on 127.0.0.1, port 0, accepts one
 * connection in a thread of its own (blocking I/O there keeps the script readable), and
 * follows a script: send these bytes, expect this line, read a DATA body, close. When the
 * script ends without a close, it keeps reading and recording until the client hangs up,
 * which is also how "never answer" is scripted. Every line received is recorded, so a
 * test can assert that a password was never sent.
 */
#define _GNU_SOURCE /* memmem */

#include "taube-test-server.h"

#include <string.h>

typedef enum
{
  STEP_SEND,
  STEP_EXPECT,
  STEP_EXPECT_DATA,
  STEP_CLOSE,
} StepKind;

typedef struct
{
  StepKind kind;
  char *line;
  GBytes *data;
} Step;

struct _TaubeTestServer
{
  GSocket *listener;
  GCancellable *cancellable;
  GThread *thread;
  GPtrArray *steps;

  /* Written by the thread, read after it is joined. */
  GPtrArray *received;
  GBytes *data;
  char *failure;
  GByteArray *pending;
};

static void
step_free (gpointer data)
{
  Step *step = data;

  g_free (step->line);
  g_clear_pointer (&step->data, g_bytes_unref);
  g_free (step);
}

static void
add_step (TaubeTestServer *self,
          StepKind         kind,
          const char      *line,
          GBytes          *data)
{
  Step *step = g_new0 (Step, 1);

  g_assert (self->thread == NULL);
  step->kind = kind;
  step->line = g_strdup (line);
  step->data = data != NULL ? g_bytes_ref (data) : NULL;
  g_ptr_array_add (self->steps, step);
}

TaubeTestServer *
taube_test_server_new (void)
{
  TaubeTestServer *self = g_new0 (TaubeTestServer, 1);

  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->received = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->pending = g_byte_array_new ();
  return self;
}

/* Sends @data exactly as given (include the CRLF). */
void
taube_test_server_send (TaubeTestServer *self,
                        const char      *data)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, strlen (data));

  add_step (self, STEP_SEND, NULL, bytes);
}

void
taube_test_server_send_bytes (TaubeTestServer *self,
                              GBytes          *data)
{
  add_step (self, STEP_SEND, NULL, data);
}

/* Reads one line and compares it without its line end; a trailing '*' matches any rest. */
void
taube_test_server_expect (TaubeTestServer *self,
                          const char      *line)
{
  add_step (self, STEP_EXPECT, line, NULL);
}

/* Reads an SMTP DATA body up to and including CRLF.CRLF; see taube_test_server_get_data(). */
void
taube_test_server_expect_data (TaubeTestServer *self)
{
  add_step (self, STEP_EXPECT_DATA, NULL, NULL);
}

/* Drops the connection at this point of the script. */
void
taube_test_server_close (TaubeTestServer *self)
{
  add_step (self, STEP_CLOSE, NULL, NULL);
}

static gboolean
receive_more (TaubeTestServer *self,
              GSocket         *socket)
{
  guint8 chunk[4096];
  g_autoptr(GError) error = NULL;
  gssize n = g_socket_receive (socket, (char *) chunk, sizeof chunk, self->cancellable, &error);

  if (n <= 0)
    return FALSE;
  g_byte_array_append (self->pending, chunk, (guint) n);
  return TRUE;
}

/* Returns the next line without CRLF, or NULL at the end of the connection. */
static char *
receive_line (TaubeTestServer *self,
              GSocket         *socket)
{
  for (;;)
    {
      guint8 *newline = memchr (self->pending->data, '\n', self->pending->len);

      if (newline != NULL)
        {
          gsize len = (gsize) (newline - self->pending->data);
          char *line = g_strndup ((const char *) self->pending->data, len);

          g_byte_array_remove_range (self->pending, 0, (guint) len + 1);
          if (len > 0 && line[len - 1] == '\r')
            line[len - 1] = '\0';
          g_ptr_array_add (self->received, g_strdup (line));
          return line;
        }
      if (!receive_more (self, socket))
        return NULL;
    }
}

static gboolean
receive_data (TaubeTestServer *self,
              GSocket         *socket)
{
  static const char end[] = "\r\n.\r\n";

  for (;;)
    {
      guint8 *found = self->pending->len >= 5
                      ? memmem (self->pending->data, self->pending->len, end, 5) : NULL;

      /* A body that is empty is just ".\r\n" right after DATA. */
      if (self->pending->len >= 3 && memcmp (self->pending->data, ".\r\n", 3) == 0)
        {
          g_clear_pointer (&self->data, g_bytes_unref);
          self->data = g_bytes_new (".\r\n", 3);
          g_byte_array_remove_range (self->pending, 0, 3);
          return TRUE;
        }
      if (found != NULL)
        {
          gsize len = (gsize) (found - self->pending->data) + 5;

          g_clear_pointer (&self->data, g_bytes_unref);
          self->data = g_bytes_new (self->pending->data, len);
          g_byte_array_remove_range (self->pending, 0, (guint) len);
          return TRUE;
        }
      if (!receive_more (self, socket))
        return FALSE;
    }
}

static gboolean
send_all (TaubeTestServer *self,
          GSocket         *socket,
          GBytes          *data)
{
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);

  while (size > 0)
    {
      gssize n = g_socket_send (socket, bytes, size, self->cancellable, NULL);

      if (n <= 0)
        return FALSE;
      bytes += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gboolean
line_matches (const char *pattern,
              const char *line)
{
  gsize len = strlen (pattern);

  if (len > 0 && pattern[len - 1] == '*')
    return strncmp (pattern, line, len - 1) == 0;
  return strcmp (pattern, line) == 0;
}

static gboolean
run_step (TaubeTestServer *self,
          GSocket         *socket,
          Step            *step)
{
  g_autofree char *line = NULL;

  switch (step->kind)
    {
    case STEP_SEND:
      if (!send_all (self, socket, step->data))
        self->failure = g_strdup ("the client went away before a reply was sent");
      break;
    case STEP_EXPECT:
      line = receive_line (self, socket);
      if (line == NULL)
        self->failure = g_strdup_printf ("expected “%s”, the client hung up", step->line);
      else if (!line_matches (step->line, line))
        self->failure = g_strdup_printf ("expected “%s”, got “%s”", step->line, line);
      break;
    case STEP_EXPECT_DATA:
      if (!receive_data (self, socket))
        self->failure = g_strdup ("the client hung up in the middle of DATA");
      break;
    case STEP_CLOSE:
    default:
      return FALSE;
    }
  return self->failure == NULL;
}

static gpointer
serve (gpointer user_data)
{
  TaubeTestServer *self = user_data;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  gboolean drain = TRUE;

  socket = g_socket_accept (self->listener, self->cancellable, &error);
  if (socket == NULL)
    {
      self->failure = g_strdup_printf ("accept: %s", error->message);
      return NULL;
    }
  /* A test that goes wrong must not hang the whole suite. */
  g_socket_set_timeout (socket, 30);

  for (guint i = 0; i < self->steps->len; i++)
    if (!run_step (self, socket, g_ptr_array_index (self->steps, i)))
      {
        drain = FALSE;
        break;
      }

  if (drain)
    {
      char *line;

      while ((line = receive_line (self, socket)) != NULL)
        g_free (line);
    }
  g_socket_close (socket, NULL);
  return NULL;
}

/* Starts listening and serving in a thread; returns the port. */
guint16
taube_test_server_start (TaubeTestServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (self->listener, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);

  self->thread = g_thread_new ("taube-test-server", serve, self);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Waits for the script's end (the client must hang up unless the script closes) and says
 * whether every expectation was met. */
gboolean
taube_test_server_finish (TaubeTestServer  *self,
                          char            **failure)
{
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
  if (failure != NULL)
    *failure = g_strdup (self->failure);
  return self->failure == NULL;
}

/* Every line the client sent, without line ends. Only after taube_test_server_finish(). */
GPtrArray *
taube_test_server_get_received (TaubeTestServer *self)
{
  g_assert (self->thread == NULL);
  return self->received;
}

gboolean
taube_test_server_received_prefix (TaubeTestServer *self,
                                   const char      *prefix)
{
  g_assert (self->thread == NULL);
  for (guint i = 0; i < self->received->len; i++)
    if (g_ascii_strncasecmp (g_ptr_array_index (self->received, i), prefix,
                             strlen (prefix)) == 0)
      return TRUE;
  return FALSE;
}

/* The last DATA body read, dot-stuffed and with its final CRLF.CRLF, as it was sent. */
GBytes *
taube_test_server_get_data (TaubeTestServer *self)
{
  g_assert (self->thread == NULL);
  return self->data;
}

void
taube_test_server_free (TaubeTestServer *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->thread != NULL)
    g_thread_join (self->thread);
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->received, g_ptr_array_unref);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_free (self->failure);
  g_free (self);
}
