/**
 * A floor plan with markers. A marker is a ring with a cross (a shape) and a text label, never a colour alone;
 * each one is announced by its label. Clicking the plan reports where, as fractions of the image.
 */
import type { MouseEvent, ReactNode } from 'react';
import type { FloorPlanView } from '../../../api/contract/floor-plans.ts';

export interface PlanMarker {
  id: string;
  x: number;
  y: number;
  label: string;
  /** For screen readers: "Passport counter 3 on the 1F plan". */
  description: string;
  emphasis?: 'alarm' | 'selected' | 'normal';
}

interface Props {
  plan: FloorPlanView;
  alt: string;
  markers: PlanMarker[];
  compact?: boolean;
  onPick?: (x: number, y: number) => void;
  children?: ReactNode;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

export function PlanImage({ plan, alt, markers, compact, onPick, children }: Props) {
  function click(e: MouseEvent<HTMLImageElement>) {
    if (!onPick) return;
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    onPick(clamp((e.clientX - box.left) / box.width), clamp((e.clientY - box.top) / box.height));
  }
  return (
    <div className={compact ? 'places-plan-frame compact' : 'places-plan-frame'} data-testid={`plan-frame-${plan.siteId}-${plan.floor}`}>
      <img
        src={plan.imageUrl}
        alt={alt}
        draggable={false}
        onClick={click}
        className={onPick ? 'places-plan-image pickable' : 'places-plan-image'}
      />
      {markers.map((m) => (
        <span
          key={m.id}
          className={`places-marker ${m.emphasis ?? 'normal'}${m.x > 0.6 ? ' label-left' : ''}`}
          style={{ left: `${m.x * 100}%`, top: `${m.y * 100}%` }}
          data-testid={`plan-marker-${m.id}`}
          role="img"
          aria-label={m.description}
        >
          <span className="places-marker-ring" aria-hidden="true">✚</span>
          <span className="places-marker-label" aria-hidden="true">{m.label}</span>
        </span>
      ))}
      {children}
    </div>
  );
}
