import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api/connect';
import { uiSettings } from './state/settings';
import './styles.css';

const api = connect();
// The settings first (it answers at once, or fails at once when SafeKill is not there), so the
// first screen already has the remembered sort, columns and theme.
void uiSettings.load(api).finally(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  ),
);
