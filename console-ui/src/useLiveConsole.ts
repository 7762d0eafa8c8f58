/**
 * The console's live data: sites, open incidents, bells and security alerts, kept current by the
 * stream and refetched on every (re)connect (and polled while the stream is down), so that an
 * alarm raised while the socket was away is never missed.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Bell, Incident, Me, SecurityAlert, Site, StreamMessage } from '../../api/contract/index.ts';
import { api } from './api.ts';
import { fromList, upsertOpen } from './incidents.ts';
import { canSeeBells, isStaffOnly } from './roles.ts';
import { LiveStream, type StreamState } from './stream.ts';

/** While the stream is down the open list is polled this often. */
export const POLL_WHILE_DISCONNECTED_MS = 5_000;
const MAX_ALERTS = 20;

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
}

export function useLiveConsole(me: Me, watchedId: string | null): LiveConsole {
  const [sites, setSites] = useState<Site[]>([]);
  const [incidents, setIncidents] = useState<ReadonlyMap<string, Incident>>(() => new Map());
  const [bells, setBells] = useState<Bell[]>([]);
  const [alerts, setAlerts] = useState<SecurityAlert[]>([]);
  const [streamState, setStreamState] = useState<StreamState>('disconnected');
  const [loadError, setLoadError] = useState<unknown>(null);
  const [watchedVersion, setWatchedVersion] = useState(0);

  const staffOnly = isStaffOnly(me);
  const seesBells = canSeeBells(me);

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

  const refetchSites = useCallback(async () => {
    try {
      setSites(await api.sites());
    } catch {
      // Keep the sites we have; the open list shows its own error.
    }
  }, []);

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
    void refetchSites();
    void refetchBells();
    setWatchedVersion((v) => v + 1);
  }, [refetchIncidents, refetchSites, refetchBells]);
  const refreshAllRef = useRef(refreshAll);
  refreshAllRef.current = refreshAll;

  useEffect(() => {
    refreshAllRef.current();
    const stream = new LiveStream({
      onMessage: (message) => onMessageRef.current(message),
      onState: setStreamState,
      onOpen: () => refreshAllRef.current(),
    });
    stream.start();
    return () => {
      stream.stop();
      if (staffRefetchTimer.current) clearTimeout(staffRefetchTimer.current);
      staffRefetchTimer.current = null;
    };
  }, [me.id]);

  useEffect(() => {
    if (streamState !== 'disconnected') return;
    const timer = setInterval(() => void refetchIncidents(), POLL_WHILE_DISCONNECTED_MS);
    return () => clearInterval(timer);
  }, [streamState, refetchIncidents]);

  const siteById = useMemo(() => new Map(sites.map((site) => [site.id, site])), [sites]);

  const dismissAlert = useCallback((alert: SecurityAlert) => {
    setAlerts((current) => current.filter((a) => a !== alert));
  }, []);

  return { sites, siteById, incidents, bells, alerts, streamState, loadError, watchedVersion, applyIncident, dismissAlert };
}
