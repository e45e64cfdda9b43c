// The ContactPoint team's "Load local data" screens (the adapter): choose a file from a
// case-management system and a mapping profile, see its first rows as the profile maps
// them while the profile is edited, check every row (a progress bar; stop at any
// time), review the problems and the possible matches, leave rows out, send the rest to
// the national index (a progress bar), and see what happened to each row. Past loads
// are listed. What a case-information column holds never reaches this screen.
import { useCallback, useEffect, useState } from 'react';
import type {
  AdapterStatusView,
  LoadSummaryView,
  PreviewView,
  ProfileEntryView,
} from '../../../../domain/adapter/views.js';
import { getApi } from '../../api.js';
import { ErrorSummary, type FieldError } from '../../components/ErrorSummary.js';
import { PageHeading } from '../../components/PageHeading.js';
import { Notice, problem } from '../../feedback.js';
import { formatNumber } from '../../format.js';
import { LoadHistory } from './LoadHistory.js';
import { LoadView } from './LoadView.js';
import { PreviewTable } from './PreviewTable.js';
import { ProfileEditor } from './ProfileEditor.js';
import type { Loose } from './profile.js';
import { Progress } from './Progress.js';

export function AdapterScreen() {
  const [profiles, setProfiles] = useState<ProfileEntryView[]>([]);
  const [file, setFile] = useState<{ fileId: string; name: string; size: number } | null>(null);
  const [profileName, setProfileName] = useState('case-management');
  const [profile, setProfile] = useState<Loose | null>(null);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [status, setStatus] = useState<AdapterStatusView | null>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [openLoad, setOpenLoad] = useState<number | null>(null);
  const [loads, setLoads] = useState<LoadSummaryView[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const refreshLoads = useCallback(async () => {
    const r = await getApi().adapter.loads();
    if (r.ok) setLoads(r.value);
  }, []);
  useEffect(() => {
    void (async () => {
      const p = await getApi().adapter.profiles();
      if (!p.ok) return setErrors(problem(p.error, 'choose-file'));
      setProfiles(p.value);
      const s = await getApi().adapter.status();
      if (s.ok) setStatus(s.value);
      await refreshLoads();
    })();
  }, [refreshLoads]);

  // The chosen profile, to edit: a fresh copy whenever another is chosen.
  useEffect(() => {
    const entry = profiles.find((p) => p.name === profileName);
    if (!entry) return;
    setProfile(entry.profile);
    setJson(JSON.stringify(entry.profile, null, 2));
    setJsonError(null);
  }, [profileName, profiles]);

  // The live preview: the first rows as the profile being edited maps them.
  useEffect(() => {
    if (!file || !profile) return;
    let stale = false;
    const timer = setTimeout(() => {
      void getApi()
        .adapter.preview({ fileId: file.fileId, profile })
        .then((r) => {
          if (stale) return;
          if (r.ok) {
            setPreview(r.value);
            setJsonError(null);
          } else if (r.error.code === 'invalid-payload') {
            setPreview(null);
            setJsonError(r.error.message);
          } else setErrors(problem(r.error, 'choose-file'));
        });
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [file, profile]);

  const running = status?.running ?? null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void getApi()
        .adapter.status()
        .then((r) => {
          if (r.ok) setStatus(r.value);
        });
    }, 300);
    return () => clearInterval(timer);
  }, [running]);
  // A check or a submission that ends opens its load (or says why it failed).
  useEffect(() => {
    if (running || !status?.last) return;
    if (status.last.error) setErrors([{ field: 'choose-file', message: status.last.error.message }]);
    else if (status.last.loadId !== null) setOpenLoad(status.last.loadId);
    void refreshLoads();
  }, [running, status?.last, refreshLoads]);

  const choose = async () => {
    setErrors([]);
    const r = await getApi().adapter.chooseFile();
    if (!r.ok) return setErrors(problem(r.error, 'choose-file'));
    if (r.value) {
      setFile(r.value);
      setOpenLoad(null);
    }
  };

  const editJson = (text: string) => {
    setJson(text);
    try {
      setProfile(JSON.parse(text) as Loose);
      setJsonError(null);
    } catch {
      setJsonError('The profile is not valid JSON: check the brackets, quotes and commas.');
    }
  };
  const saveProfile = async () => {
    if (!profile) return;
    setErrors([]);
    const r = await getApi().adapter.saveProfile(profile);
    if (!r.ok) return setErrors(problem(r.error, 'profile-json'));
    const p = await getApi().adapter.profiles();
    if (p.ok) setProfiles(p.value);
    setProfileName(String(r.value.profile));
    setNotice(`Profile "${String(r.value.profile)}" saved for your team.`);
  };
  const check = async () => {
    if (!file || !profile) return;
    setErrors([]);
    setNotice(null);
    setOpenLoad(null);
    const r = await getApi().adapter.check({ fileId: file.fileId, profile });
    if (!r.ok) return setErrors(problem(r.error, 'check-file'));
    setStatus(r.value);
  };
  const cancel = async () => {
    const r = await getApi().adapter.cancel();
    if (r.ok) setStatus(r.value);
  };

  const columns = preview?.columns ?? [];
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageHeading caption="The ContactPoint adapter">Load local data</PageHeading>
      {notice ? <Notice text={notice} testId="adapter-notice" /> : null}
      <p className="govuk-body">
        Load an export from a case-management system: every row is checked against the national index’s rules and
        matched to the working set before anything is sent. Columns the profile does not map, and any whose name says it
        holds case information, are never sent.
      </p>

      <h2 className="govuk-heading-m">1. The file and its profile</h2>
      <div className="govuk-button-group">
        <button
          type="button"
          className="govuk-button govuk-button--secondary"
          id="choose-file"
          onClick={() => void choose()}
          disabled={running !== null}
        >
          {file ? 'Choose another file' : 'Choose a file'}
        </button>
      </div>
      {file ? (
        <p className="govuk-body" data-testid="chosen-file">
          <strong>{file.name}</strong> ({formatNumber(file.size)} bytes)
        </p>
      ) : null}
      <div className="govuk-form-group">
        <label className="govuk-label govuk-label--s" htmlFor="profile-name">
          Mapping profile
        </label>
        <select
          className="govuk-select"
          id="profile-name"
          value={profileName}
          onChange={(e) => setProfileName(e.target.value)}
        >
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
              {p.shipped ? ' (shipped)' : ' (your team’s)'}
            </option>
          ))}
        </select>
        <div className="govuk-hint">{profiles.find((p) => p.name === profileName)?.description ?? ''}</div>
      </div>

      {file && profile ? (
        <ProfileEditor
          profile={profile}
          json={json}
          jsonError={jsonError}
          columns={columns}
          onProfile={(updated) => {
            setProfile(updated);
            setJson(JSON.stringify(updated, null, 2));
          }}
          onJson={editJson}
          onSave={() => void saveProfile()}
        />
      ) : null}

      {file && preview ? <PreviewTable preview={preview} /> : null}

      {file && profile ? (
        <>
          <h2 className="govuk-heading-m">2. Check every row</h2>
          <div className="govuk-button-group">
            {running ? (
              <button type="button" className="govuk-button govuk-button--warning" onClick={() => void cancel()}>
                Stop
              </button>
            ) : (
              <button
                type="button"
                className="govuk-button"
                id="check-file"
                onClick={() => void check()}
                disabled={jsonError !== null}
              >
                Check the file
              </button>
            )}
          </div>
        </>
      ) : null}
      {running ? <Progress status={status!} /> : null}

      {openLoad !== null && !running ? (
        <LoadView
          id={openLoad}
          running={running !== null}
          onStatus={(s) => setStatus(s)}
          onError={(e) => setErrors(e)}
          onNotice={setNotice}
        />
      ) : null}

      <LoadHistory loads={loads} onOpen={(id) => setOpenLoad(id)} />
    </>
  );
}
