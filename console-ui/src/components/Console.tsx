/** The signed-in screen: alarms on top, then the open incidents, the detail, bells and the panic button. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { triggeredAlarms } from '../incidents.ts';
import { canRaiseAlarm, canSeeBells, isResponder, isStaffOnly } from '../roles.ts';
import { AlarmSound } from '../sound.ts';
import { useLiveConsole } from '../useLiveConsole.ts';
import { extraViews } from '../views.tsx';
import { ViewNav } from './ViewNav.tsx';
import { AlarmBanner, AlarmStrip } from './AlarmBanner.tsx';
import { BellsTable } from './BellsTable.tsx';
import { DutyWarningBanner } from './DutyWarning.tsx';
import { Header } from './Header.tsx';
import { IncidentDetailView } from './IncidentDetail.tsx';
import { IncidentList } from './IncidentList.tsx';
import { PanicButton } from './PanicButton.tsx';
import { SecurityAlerts } from './SecurityAlerts.tsx';
import { SoundControl } from './SoundControl.tsx';
import { StreamStatus } from './StreamStatus.tsx';
import { PlansPreload } from '../places/plans.ts';
import { SessionEnded } from '../desk/SessionEnded.tsx';
import { CancelNotices, useCancelNotices } from '../desk/CancelNotices.tsx';
import { useSessionKeeper } from '../desk/session.ts';
import { canSeeFloorPlans } from '../places/roles.ts';

interface ConsoleProps {
  me: Me;
  /** The session ended while the console was open: it keeps everything on screen and says so loudly. */
  sessionEnded: boolean;
  onSessionEnded: () => void;
  onSignedInAgain: () => void;
  onLogout: () => void;
}

/** A dropped stream this long is not a blip any more: the trouble tone starts. */
const TROUBLE_AFTER_MS = 2_000;

export function Console({ me, sessionEnded, onSessionEnded, onSignedInAgain, onLogout }: ConsoleProps) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [viewId, setViewId] = useState('home');
  const live = useLiveConsole(me, selectedId);
  const views = useMemo(() => extraViews.filter((v) => v.visible(me)), [me]);
  const view = views.find((v) => v.id === viewId) ?? null;
  const openIncident = useCallback((id: string) => {
    setViewId('home');
    setSelectedId(id);
  }, []);
  const responder = isResponder(me);
  const staffOnly = isStaffOnly(me);

  const soundRef = useRef<AlarmSound | null>(null);
  if (!soundRef.current) soundRef.current = new AlarmSound();
  const sound = soundRef.current;
  useEffect(() => {
    void sound.restore();
    return () => sound.dispose();
  }, [sound]);

  useSessionKeeper(live.streamState, !sessionEnded, onSessionEnded);
  const [droppedLong, setDroppedLong] = useState(false);
  useEffect(() => {
    if (live.streamState === 'connected') {
      setDroppedLong(false);
      return;
    }
    const timer = setTimeout(() => setDroppedLong(true), TROUBLE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [live.streamState]);
  const cannotReceive = sessionEnded || droppedLong;
  useEffect(() => {
    sound.setTrouble(cannotReceive);
  }, [sound, cannotReceive]);
  const { reconnect } = live;
  const cancels = useCancelNotices(live.cancelVersion);
  const signedInAgain = useCallback(() => {
    onSignedInAgain();
    reconnect();
  }, [onSignedInAgain, reconnect]);

  const alarms = useMemo(() => (responder ? triggeredAlarms(live.incidents) : []), [responder, live.incidents]);
  useEffect(() => {
    sound.setRinging(alarms.length > 0);
  }, [sound, alarms.length]);

  const [acking, setAcking] = useState<ReadonlySet<string>>(() => new Set());
  const [ackErrors, setAckErrors] = useState<ReadonlyMap<string, unknown>>(() => new Map());
  const { applyIncident } = live;

  const acknowledge = useCallback(async (id: string) => {
    setAcking((s) => new Set(s).add(id));
    setAckErrors((m) => {
      const next = new Map(m);
      next.delete(id);
      return next;
    });
    try {
      applyIncident(await api.acknowledge(id));
    } catch (err) {
      setAckErrors((m) => new Map(m).set(id, err));
    } finally {
      setAcking((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  }, [applyIncident]);

  return (
    <div className="console">
      <div className="top-bar">
        <StreamStatus state={live.streamState} />
        {alarms.length > 0 && <AlarmStrip count={alarms.length} />}
      </div>
      {sessionEnded && <SessionEnded me={me} onSignedIn={signedInAgain} />}
      <Header me={me} onLogout={onLogout} />
      <PlansPreload userId={me.id} enabled={canSeeFloorPlans(me)} />
      {!staffOnly && <DutyWarningBanner warnings={live.dutyWarnings} siteById={live.siteById} />}
      {responder && <SoundControl sound={sound} receiving={!cannotReceive} />}
      {alarms.length > 0 && (
        <AlarmBanner
          alarms={alarms}
          siteById={live.siteById}
          acking={acking}
          errors={ackErrors}
          onAcknowledge={(id) => void acknowledge(id)}
          onOpen={openIncident}
        />
      )}
      {(responder || staffOnly) && <CancelNotices notices={cancels.notices} siteById={live.siteById} canCheck={responder} onChecked={cancels.reload} />}
      {!staffOnly && live.alerts.length > 0 && <SecurityAlerts alerts={live.alerts} siteById={live.siteById} onDismiss={live.dismissAlert} />}
      {views.length > 0 && <ViewNav views={views} current={view ? view.id : 'home'} onSelect={setViewId} />}
      {view ? view.render({ me, live, openIncident }) : (<>
      {canRaiseAlarm(me) && <PanicButton me={me} sites={live.sites} incidents={live.incidents} onRaised={applyIncident} />}
      <main className={selectedId ? 'workspace with-detail' : 'workspace'}>
        <IncidentList
          title={staffOnly ? 'list.myTitle' : 'list.openTitle'}
          incidents={live.incidents}
          siteById={live.siteById}
          selectedId={selectedId}
          loadError={live.loadError}
          onSelect={setSelectedId}
        />
        {selectedId && (
          <IncidentDetailView
            key={selectedId}
            id={selectedId}
            me={me}
            siteById={live.siteById}
            version={live.watchedVersion}
            acking={acking.has(selectedId)}
            ackError={ackErrors.get(selectedId)}
            onAcknowledge={(id) => void acknowledge(id)}
            onApplied={applyIncident}
            onClose={() => setSelectedId(null)}
            subscribeNotifications={live.subscribeNotifications}
          />
        )}
      </main>
      {canSeeBells(me) && <BellsTable bells={live.bells} siteById={live.siteById} />}
      </>)}
    </div>
  );
}
