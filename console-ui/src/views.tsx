/**
 * The console's views besides the live incidents (the home view): each area adds one entry here
 * (`{ id, label, visible, render }`). The alarm banner, stream status and sound control stay above
 * every view, so an alarm takes over whichever view is open.
 */
import type { ReactNode } from 'react';
import type { Me } from '../../api/contract/index.ts';
import type { MessageKey } from './i18n.ts';
import type { LiveConsole } from './useLiveConsole.ts';

export interface ViewContext {
  me: Me;
  live: LiveConsole;
  /** Shows an incident in the home view. */
  openIncident: (id: string) => void;
}

export interface ConsoleView {
  id: string;
  label: MessageKey;
  visible: (me: Me) => boolean;
  render: (ctx: ViewContext) => ReactNode;
}

export const extraViews: ConsoleView[] = [
];
