// The practitioner's journey while signed in: find a child → give a reason → the
// record → (child-protection) view shielded details → record or end involvement.
// Everything here lives in this component's state: when the session locks or ends,
// the App unmounts it and every record, result and override goes with it.
import { useState } from 'react';
import type { ChildSearchResult, RecordView } from '../../../../domain/api/records.js';
import type { SignedInUser } from '../../../../domain/ipc-contract.js';
import { emptySearch, type SearchForm } from '../../forms.js';
import { InvolvementScreen } from './InvolvementScreen.js';
import { OverrideScreen } from './OverrideScreen.js';
import { ReasonScreen } from './ReasonScreen.js';
import { RecordScreen } from './RecordScreen.js';
import { SearchScreen } from './SearchScreen.js';

export type Screen =
  | { name: 'search' }
  | { name: 'reason'; child: ChildSearchResult }
  | { name: 'record'; child: ChildSearchResult; reason: string; record: RecordView; override: boolean; banner?: string }
  | { name: 'override'; back: RecordScreenState }
  | { name: 'involvement'; back: RecordScreenState };
export type RecordScreenState = Extract<Screen, { name: 'record' }>;

export function Journey({ user }: { user: SignedInUser }) {
  const [screen, setScreen] = useState<Screen>({ name: 'search' });
  const [form, setForm] = useState<SearchForm>(emptySearch);
  const [results, setResults] = useState<{ results: ChildSearchResult[]; truncated: boolean } | null>(null);

  const toSearch = () => setScreen({ name: 'search' });
  const newSearch = () => {
    setForm(emptySearch);
    setResults(null);
    setScreen({ name: 'search' });
  };

  switch (screen.name) {
    case 'search':
      return (
        <SearchScreen
          form={form}
          setForm={setForm}
          results={results}
          setResults={setResults}
          onOpen={(child) => setScreen({ name: 'reason', child })}
        />
      );
    case 'reason':
      return (
        <ReasonScreen
          child={screen.child}
          onBack={toSearch}
          onOpened={(reason, record) =>
            setScreen({ name: 'record', child: screen.child, reason, record, override: false })
          }
        />
      );
    case 'record':
      return (
        <RecordScreen
          user={user}
          screen={screen}
          onBack={toSearch}
          onNewSearch={newSearch}
          onOverride={() => setScreen({ name: 'override', back: { ...screen, banner: undefined } })}
          onInvolvement={() => setScreen({ name: 'involvement', back: { ...screen, banner: undefined } })}
          // A re-read is an ordinary read: an override's details are not shown again.
          onChanged={(record, banner) => setScreen({ ...screen, record, override: false, banner })}
        />
      );
    case 'override':
      return (
        <OverrideScreen
          child={screen.back.child}
          onCancel={() => setScreen(screen.back)}
          onShown={(record) => setScreen({ ...screen.back, record, override: true })}
        />
      );
    case 'involvement':
      return (
        <InvolvementScreen
          child={screen.back.child}
          reason={screen.back.reason}
          onCancel={() => setScreen(screen.back)}
          onSaved={(record) =>
            setScreen({ ...screen.back, record, override: false, banner: 'Your involvement has been recorded.' })
          }
        />
      );
  }
}
