// The renderer's entry point: marks the body for GOV.UK Frontend's styles and mounts the
// App in the page's #root, in React's strict mode.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './styles.scss';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
