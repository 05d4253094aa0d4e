/* taube-setup-assistant-private.h — what the assistant's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The assistant is one window whose pages live in separate files: identity and navigation
 * (taube-setup-assistant.c), detection (taube-setup-detect.c), the protocol choice and the
 * manual settings (taube-setup-servers.c), logging in and saving (taube-setup-verify.c).
 * All pages edit one draft TaubeAccount; the widgets only mirror it.
 */
#pragma once

#include "taube-account-detector.h"
#include "taube-account-verifier.h"
#include "taube-setup-assistant.h"

G_BEGIN_DECLS

struct _TaubeSetupAssistant
{
  AdwWindow parent_instance;

  TaubeAccountManager *manager;
  TaubeAccount *editing;            /* the saved account being edited, or NULL */
  TaubeAccount *draft;              /* what the pages edit; copied into place on save */
  TaubeProviderConfig *detected;    /* expanded detection result, or NULL */
  TaubeAccountDetector *detector;
  TaubeAccountVerifier *verifier;
  GCancellable *cancellable;
  GtkWidget *last_step_row;
  gint64 detect_started;
  guint detect_tick_id;
  gboolean detect_timed_out;
  gboolean syncing;                 /* widgets are being set from the draft */
  TaubeSecurity in_security;        /* shown now, to move standard ports on change */
  TaubeSecurity out_security;
  const char *verify_from;          /* the page "Back" returns to from verification */

  AdwToastOverlay *toast_overlay;
  GtkButton *back_button;
  AdwWindowTitle *window_title;
  GtkStack *pages;

  AdwEntryRow *name_row;
  AdwEntryRow *address_row;
  AdwEntryRow *password_row;
  GtkLabel *identity_hint;
  GtkButton *identity_continue;

  GtkSpinner *detect_spinner;
  GtkLabel *detect_title;
  GtkLabel *detect_message;
  GtkProgressBar *detect_progress;
  GtkListBox *detect_steps;
  GtkBox *confirm_box;
  GtkLabel *confirm_label;
  GtkButton *confirm_button;
  GtkButton *detect_cancel;
  GtkButton *detect_manual;

  GtkLabel *source_label;
  GtkCheckButton *imap_check;
  GtkCheckButton *pop3_check;
  AdwActionRow *imap_row;
  AdwActionRow *pop3_row;
  GtkLabel *recommendation_label;
  GtkLabel *help_link;
  AdwPreferencesGroup *pop3_group;
  GtkSwitch *leave_switch;
  GtkSpinButton *days_spin;
  AdwActionRow *incoming_summary;
  AdwActionRow *outgoing_summary;
  GtkButton *protocol_continue;

  GtkLabel *manual_intro;
  AdwComboRow *protocol_combo;
  AdwEntryRow *in_host_row;
  AdwComboRow *in_security_combo;
  GtkSpinButton *in_port_spin;
  AdwEntryRow *in_user_row;
  AdwEntryRow *out_host_row;
  AdwComboRow *out_security_combo;
  GtkSpinButton *out_port_spin;
  AdwEntryRow *out_user_row;
  AdwPreferencesGroup *plaintext_group;
  GtkCheckButton *plaintext_check;
  GtkButton *manual_continue;

  GtkSpinner *verify_spinner;
  GtkImage *verify_icon;
  GtkLabel *verify_title;
  GtkLabel *verify_message;
  AdwPreferencesGroup *cert_group;
  AdwActionRow *cert_subject;
  AdwActionRow *cert_issuer;
  AdwActionRow *cert_validity;
  AdwActionRow *cert_fingerprint;
  GtkCheckButton *trust_check;
  GtkButton *trust_button;
  GtkButton *retry_button;
  GtkButton *fix_button;
  GtkButton *done_button;
};

/* taube-setup-assistant.c */
void        taube_setup_show_page          (TaubeSetupAssistant *self,
                                            const char          *name);
const char *taube_setup_get_address        (TaubeSetupAssistant *self);
const char *taube_setup_get_domain         (TaubeSetupAssistant *self);
void        taube_setup_copy_account_settings (TaubeAccount     *from,
                                               TaubeAccount     *to);

/* taube-setup-detect.c */
void        taube_setup_detect_start       (TaubeSetupAssistant *self);
void        taube_setup_detect_stop        (TaubeSetupAssistant *self);
void        taube_setup_detect_class_init  (GtkWidgetClass      *widget_class);

/* taube-setup-servers.c */
void        taube_setup_servers_use_detected (TaubeSetupAssistant *self);
void        taube_setup_servers_use_blank    (TaubeSetupAssistant *self);
void        taube_setup_servers_sync         (TaubeSetupAssistant *self);
void        taube_setup_servers_set_intro    (TaubeSetupAssistant *self,
                                              const char          *text);
void        taube_setup_servers_init         (TaubeSetupAssistant *self);
void        taube_setup_servers_class_init   (GtkWidgetClass      *widget_class);

/* taube-setup-verify.c */
void        taube_setup_verify_stop        (TaubeSetupAssistant *self);
void        taube_setup_verify_class_init  (GtkWidgetClass      *widget_class);

G_END_DECLS
