/**
 * The console's live data: sites, open incidents, bells and security alerts, kept current by the
 * stream and refetched on every (re)connect (and polled while the stream is down), so that an
 * alarm raised while the socket was away is never missed. Also the duty warnings of the user's
 * sites (rosters with nobody on duty), and the notification statuses the open detail listens to.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Bell, Incident, Me, NotificationView, SecurityAlert, Site, StreamMessage } from '../../api/contract/index.ts';
import { api, ApiRequestError } from './api.ts';
import { fromList, upsertOpen } from './incidents.ts';
import { canSeeBells, canSeeDutyWarnings, isStaffOnly } from './roles.ts';
import { LiveStream, type StreamState } from './stream.ts';

/** While the stream is down the open list is polled this often. */
export const POLL_WHILE_DISCONNECTED_MS = 5_000;
const MAX_ALERTS = 20;
/** Rosters change rarely and push nothing: they are read after login, on reconnect and this often. */
export const ROSTER_POLL_MS = 60_000;

/** A site whose roster leaves alarms without a guard to reach. */
export interface DutyWarning {
  siteId: string;
  warning: string;
}

export type NotificationListener = (notification: NotificationView) => void;

export interface LiveConsole {
  sites: Site[];
  siteById: ReadonlyMap<string, Site>;
  incidents: ReadonlyMap<string, Incident>;
  bells: Bell[];
  alerts: SecurityAlert[];
  streamState: StreamState;
  /** The last failed load of the open list (null once a load succeeds). */
  loadError: unknown;
  /** Changes whenever the watched incident changed on the server or the stream reconnected. */
  watchedVersion: number;
  /** Applies an incident returned by a POST at once, without waiting for the stream. */
  applyIncident: (incident: Incident) => void;
  dismissAlert: (alert: SecurityAlert) => void;
  /** Roster warnings of the user's sites (empty for staff and for sites the user may not read). */
  dutyWarnings: DutyWarning[];
  /** Live `notification.status` messages, for the open incident detail; returns the unsubscribe. */
  subscribeNotifications: (listener: NotificationListener) => () => void;
  /** Changes when an alarm was cancelled (or a cancel checked) and on every reconnect: the cancel notices refetch. */
  cancelVersion: number;
  /** Connects (or refetches) at once: after signing in again. */
  reconnect: () => void;
}

export function useLiveConsole(me: Me, watchedId: string | null): LiveConsole {
  const [sites, setSites] = useState<Site[]>([]);
  const [incidents, setIncidents] = useState<ReadonlyMap<string, Incident>>(() => new Map());
  const [bells, setBells] = useState<Bell[]>([]);
  const [alerts, setAlerts] = useState<SecurityAlert[]>([]);
  const [streamState, setStreamState] = useState<StreamState>('disconnected');
  const [loadError, setLoadError] = useState<unknown>(null);
  const [watchedVersion, setWatchedVersion] = useState(0);
  const [cancelVersion, setCancelVersion] = useState(0);
  const [dutyWarnings, setDutyWarnings] = useState<DutyWarning[]>([]);

  const staffOnly = isStaffOnly(me);
  const seesBells = canSeeBells(me);
  const seesDuty = canSeeDutyWarnings(me);
  const isAdmin = me.roles.includes('admin');
  const mySiteIds = me.siteIds.join('\n');

  const sitesRef = useRef(sites);
  sitesRef.current = sites;
  const notificationListeners = useRef(new Set<NotificationListener>());

  const incidentsRef = useRef(incidents);
  incidentsRef.current = incidents;
  const watchedRef = useRef(watchedId);
  watchedRef.current = watchedId;

  // Stream updates that arrive while a refetch is in flight are replayed on top of its result.
  const fetchSeq = useRef(0);
  const buffers = useRef(new Set<Incident[]>());
  const staffRefetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refetchIncidents = useCallback(async () => {
    const seq = ++fetchSeq.current;
    const buffer: Incident[] = [];
    buffers.current.add(buffer);
    try {
      const items = await api.openIncidents();
      if (seq !== fetchSeq.current) return;
      let map = fromList(items);
      for (const incident of buffer) map = upsertOpen(map, incident);
      setIncidents(map);
      setLoadError(null);
    } catch (err) {
      if (seq === fetchSeq.current) setLoadError(err);
    } finally {
      buffers.current.delete(buffer);
    }
  }, []);

  const refetchSites = useCallback(async (): Promise<Site[]> => {
    try {
      const loaded = await api.sites();
      setSites(loaded);
      return loaded;
    } catch {
      // Keep the sites we have; the open list shows its own error.
      return sitesRef.current;
    }
  }, []);

  const rosterSeq = useRef(0);
  /** Reads the roster of every site the user answers for; a 403/404 shows nothing, a network error keeps what was shown. */
  const refetchRosters = useCallback(async (siteList: readonly Site[]) => {
    if (!seesDuty) return;
    const ids = [...new Set([...(mySiteIds ? mySiteIds.split('\n') : []), ...(isAdmin ? siteList.map((s) => s.id) : [])])];
    const seq = ++rosterSeq.current;
    const results = await Promise.all(ids.map(async (siteId) => {
      try {
        return { siteId, known: true, warnings: (await api.roster(siteId)).warnings ?? [] };
      } catch (err) {
        const refused = err instanceof ApiRequestError && (err.status === 403 || err.status === 404);
        return { siteId, known: refused, warnings: [] as string[] };
      }
    }));
    if (seq !== rosterSeq.current) return;
    setDutyWarnings((current) => {
      const next: DutyWarning[] = [];
      for (const r of results) {
        if (r.known) next.push(...r.warnings.map((warning) => ({ siteId: r.siteId, warning })));
        else next.push(...current.filter((w) => w.siteId === r.siteId));
      }
      const same = next.length === current.length && next.every((w, i) => w.siteId === current[i]?.siteId && w.warning === current[i]?.warning);
      return same ? current : next;
    });
  }, [seesDuty, isAdmin, mySiteIds]);

  const refetchBells = useCallback(async () => {
    if (!seesBells) return;
    try {
      setBells(await api.bells());
    } catch {
      // Keep the last known bells.
    }
  }, [seesBells]);

  const applyIncident = useCallback((incident: Incident) => {
    for (const buffer of buffers.current) buffer.push(incident);
    setIncidents((current) => upsertOpen(current, incident));
    if (incident.id === watchedRef.current) setWatchedVersion((v) => v + 1);
  }, []);

  const onMessage = useCallback((message: StreamMessage) => {
    switch (message.type) {
      case 'incident.created':
      case 'incident.updated': {
        const incident = message.data;
        if (incident.status === 'cancelled') setCancelVersion((v) => v + 1);
        if (staffOnly && !incidentsRef.current.has(incident.id)) {
          // Staff see only their own incidents; the server decides which those are.
          if (!staffRefetchTimer.current) {
            staffRefetchTimer.current = setTimeout(() => {
              staffRefetchTimer.current = null;
              void refetchIncidents();
            }, 300);
          }
          if (incident.id === watchedRef.current) setWatchedVersion((v) => v + 1);
          return;
        }
        applyIncident(incident);
        return;
      }
      case 'bell.status': {
        const bell = message.data;
        setBells((current) => {
          const index = current.findIndex((b) => b.id === bell.id);
          if (index === -1) return [...current, bell];
          const next = current.slice();
          next[index] = bell;
          return next;
        });
        return;
      }
      case 'notification.status': {
        for (const listener of notificationListeners.current) {
          try {
            listener(message.data);
          } catch {
            // One broken listener must not stop the others.
          }
        }
        return;
      }
      case 'security.alert': {
        if (staffOnly) return;
        const alert = message.data;
        setAlerts((current) => {
          if (current.some((a) => a.bellId === alert.bellId && a.at === alert.at && a.reason === alert.reason)) return current;
          return [alert, ...current].slice(0, MAX_ALERTS);
        });
        return;
      }
      default:
        return;
    }
  }, [applyIncident, refetchIncidents, staffOnly]);

  const onMessageRef = useRef(onMessage);
  onMessageRef.current = onMessage;

  const refreshAll = useCallback(() => {
    void refetchIncidents();
    void refetchSites().then((loaded) => refetchRosters(loaded));
    void refetchBells();
    setWatchedVersion((v) => v + 1);
    setCancelVersion((v) => v + 1);
  }, [refetchIncidents, refetchSites, refetchRosters, refetchBells]);
  const refreshAllRef = useRef(refreshAll);
  refreshAllRef.current = refreshAll;

  const streamRef = useRef<LiveStream | null>(null);
  useEffect(() => {
    refreshAllRef.current();
    const stream = new LiveStream({
      onMessage: (message) => onMessageRef.current(message),
      onState: setStreamState,
      onOpen: () => refreshAllRef.current(),
    });
    stream.start();
    streamRef.current = stream;
    return () => {
      streamRef.current = null;
      stream.stop();
      if (staffRefetchTimer.current) clearTimeout(staffRefetchTimer.current);
      staffRefetchTimer.current = null;
    };
  }, [me.id]);

  useEffect(() => {
    if (streamState !== 'disconnected') return;
    const timer = setInterval(() => {
      void refetchIncidents();
      setCancelVersion((v) => v + 1);
    }, POLL_WHILE_DISCONNECTED_MS);
    return () => clearInterval(timer);
  }, [streamState, refetchIncidents]);

  useEffect(() => {
    if (!seesDuty) return;
    const timer = setInterval(() => void refetchRosters(sitesRef.current), ROSTER_POLL_MS);
    return () => clearInterval(timer);
  }, [seesDuty, refetchRosters]);

  const subscribeNotifications = useCallback((listener: NotificationListener) => {
    notificationListeners.current.add(listener);
    return () => {
      notificationListeners.current.delete(listener);
    };
  }, []);

  const siteById = useMemo(() => new Map(sites.map((site) => [site.id, site])), [sites]);

  const dismissAlert = useCallback((alert: SecurityAlert) => {
    setAlerts((current) => current.filter((a) => a !== alert));
  }, []);

  const reconnect = useCallback(() => streamRef.current?.reconnectNow(), []);

  return {
    sites, siteById, incidents, bells, alerts, streamState, loadError, watchedVersion, applyIncident, dismissAlert,
    dutyWarnings, subscribeNotifications, reconnect, cancelVersion,
  };
}
