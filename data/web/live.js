/* The public live page: the appliance's own HLS stream and what the hall is discussing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Status comes from GET /api/v1/public/events (Server-Sent Events; polling
 * /api/v1/public/status if that is refused), with the anonymous-safe fields only.
 * The player uses the browser's own HLS where it has one (Safari, iOS, recent
 * Chrome) and hls.js otherwise; hls.js is loaded only when needed, so a phone
 * that plays HLS natively never downloads it. "?player=hlsjs" forces hls.js.
 */
'use strict';

(function () {
  const TEXT = {
    sq: {
      'brand': 'Transmetimi i drejtpërdrejtë',
      'loading': 'Duke u ngarkuar…',
      'live': 'Drejtpërdrejt',
      'not-live': 'Jo në transmetim',
      'current-item': 'Pika e rendit të ditës',
      'no-item': 'Seanca ende nuk ka filluar me rendin e ditës.',
      'nothing-live': 'Tani nuk ka transmetim të drejtpërdrejtë.',
      'next': 'Seanca e ardhshme publike',
      'no-next': 'Nuk ka seancë publike të planifikuar.',
      'private': 'Kjo pjesë e seancës mbahet me dyer të mbyllura. ' +
                 'Transmetimi vazhdon kur ajo të mbarojë.',
      'break': 'Pushim. Seanca vazhdon së shpejti.',
      'starting': 'Transmetimi po fillon…',
      'unsupported': 'Ky shfletues nuk mund ta luajë transmetimin. Provoni një shfletues tjetër.',
      'switch': 'English',
      'archive-link': 'Arkivi',
      'types': {
        'assembly': 'Seanca e Kuvendit Komunal',
        'kpf': 'Mbledhja e Komitetit për Politikë dhe Financa',
        'communities': 'Mbledhja e Komitetit për Komunitete',
        'kksb': 'Mbledhja e Këshillit Komunal për Siguri në Bashkësi',
        'budget-hearing': 'Dëgjim buxhetor',
        'public-debate': 'Debat publik',
        'press': 'Konferencë për media',
        'other': 'Tjetër'
      }
    },
    en: {
      'brand': 'Live stream',
      'loading': 'Loading…',
      'live': 'Live',
      'not-live': 'Off air',
      'current-item': 'Agenda item',
      'no-item': 'The session has not reached its agenda yet.',
      'nothing-live': 'Nothing is live right now.',
      'next': 'Next public session',
      'no-next': 'No public session is planned.',
      'private': 'This part of the session is held behind closed doors. ' +
                 'The stream resumes when it ends.',
      'break': 'Break. The session resumes shortly.',
      'starting': 'The stream is starting…',
      'unsupported': 'This browser cannot play the stream. Please try another browser.',
      'switch': 'Shqip',
      'archive-link': 'Archive',
      'types': {
        'assembly': 'Municipal Assembly session',
        'kpf': 'Policy and Finance Committee',
        'communities': 'Communities Committee',
        'kksb': 'Community Safety Council',
        'budget-hearing': 'Budget hearing',
        'public-debate': 'Public debate',
        'press': 'Press conference',
        'other': 'Other'
      }
    }
  };

  const EVENTS = ['status', 'session', 'on-air', 'live'];
  const POLL_MS = 10000;
  const RETRY_MS = 3000;

  const params = new URLSearchParams(window.location.search);
  const forceHlsJs = params.get('player') === 'hlsjs';

  let lang = readLanguage();
  let status = null;
  let loaded = null;        /* the playlist URL the player has, or null */
  let hls = null;
  let hlsScript = null;     /* a Promise, once hls.js was asked for */
  let retryTimer = 0;

  function $(id) {
    return document.getElementById(id);
  }

  function readLanguage() {
    try {
      return window.localStorage.getItem('tribuna-lang') === 'en' ? 'en' : 'sq';
    } catch (e) {
      return 'sq';
    }
  }

  function t(key) {
    return (TEXT[lang] && TEXT[lang][key]) || TEXT.sq[key];
  }

  function typeLabel(code, fallback) {
    return t('types')[code] || fallback || '';
  }

  /* "2024-03-28" → "28.03.2024", as dates are written here. */
  function formatDate(date) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
    return parts ? parts[3] + '.' + parts[2] + '.' + parts[1] : (date || '');
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function setNotice(key) {
    const notice = $('notice');
    notice.hidden = !key;
    notice.textContent = key ? t(key) : '';
  }

  /* The player */

  function loadHlsJs() {
    if (!hlsScript) {
      hlsScript = new Promise(function (resolve, reject) {
        const script = document.createElement('script');
        script.src = '/static/hls.min.js';
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return hlsScript;
  }

  function stopPlayer() {
    const video = $('video');

    window.clearTimeout(retryTimer);
    if (hls) {
      hls.destroy();
      hls = null;
    }
    if (loaded !== null) {
      video.pause();
      video.removeAttribute('src');
      video.load();
    }
    loaded = null;
    document.body.dataset.player = 'none';
  }

  function play(video) {
    const promise = video.play();
    if (promise && promise.catch)
      promise.catch(function () { /* autoplay refused: the controls are there */ });
  }

  function startWithHlsJs(video, url) {
    loadHlsJs().then(function () {
      if (loaded !== url)
        return;
      if (!window.Hls || !window.Hls.isSupported()) {
        setNotice('unsupported');
        return;
      }
      hls = new window.Hls({
        workerPath: '/static/hls.worker.js',
        liveSyncDurationCount: 3,
        manifestLoadingMaxRetry: 6,
        levelLoadingMaxRetry: 6,
        fragLoadingMaxRetry: 6
      });
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (!data.fatal)
          return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR)
          hls.recoverMediaError();
        else
          restartSoon();
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      document.body.dataset.player = 'hls.js';
      play(video);
    }, function () {
      setNotice('unsupported');
    });
  }

  function startPlayer(url) {
    const video = $('video');

    stopPlayer();
    loaded = url;
    if (!forceHlsJs && video.canPlayType('application/vnd.apple.mpegurl') !== '') {
      video.src = url;
      document.body.dataset.player = 'native';
      play(video);
    } else {
      startWithHlsJs(video, url);
    }
  }

  /* A network hiccup or a stream that restarted: load it again while it is live. */
  function restartSoon() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () {
      if (status && status.live && status.playlist)
        startPlayer(status.playlist);
    }, RETRY_MS);
  }

  /* What the page shows */

  function renderSession(session) {
    const item = session.item;

    $('session-title').textContent = session.title;
    $('session-type').textContent = typeLabel(session.type, session.type_label) +
      (session.date ? ' · ' + formatDate(session.date) : '');
    $('item-number').textContent = item && item.number ? item.number + '.' : '';
    $('item-title').textContent = item ? item.title : t('no-item');
    show('item-box', !session.private);

    const badge = $('badge');
    badge.textContent = status.live ? t('live') : t('not-live');
    badge.classList.toggle('off', !status.live);

    if (session.private) {
      stopPlayer();
      show('player', false);
      setNotice('private');
    } else if (status.live && status.playlist) {
      show('player', true);
      setNotice(session.on_break ? 'break' : null);
      if (loaded !== status.playlist)
        startPlayer(status.playlist);
    } else {
      stopPlayer();
      show('player', false);
      setNotice('starting');
    }
  }

  function renderIdle() {
    const next = status ? status.next : null;

    stopPlayer();
    show('next', !!next);
    show('no-next', !next);
    if (next) {
      $('next-title').textContent = typeLabel(next.type, next.type_label) + ': ' + next.title;
      $('next-when').textContent = formatDate(next.date) + (next.place ? ' · ' + next.place : '');
    }
  }

  function render() {
    const session = status ? status.session : null;
    let view = 'idle';

    if (!status)
      view = 'loading';
    else if (session)
      view = status.live && !session.private ? 'live' : 'session';

    document.body.dataset.view = view;
    show('loading', !status);
    show('session', !!session);
    show('idle', !!status && !session);
    if (session)
      renderSession(session);
    else if (status)
      renderIdle();
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t('brand');
    document.querySelectorAll('[data-i18n]').forEach(function (element) {
      element.textContent = t(element.dataset.i18n);
    });
    $('lang').textContent = t('switch');
    $('lang').lang = lang === 'sq' ? 'en' : 'sq';
    render();
  }

  /* Status */

  function update(data) {
    try {
      status = JSON.parse(data);
    } catch (e) {
      return;
    }
    render();
  }

  function poll() {
    window.fetch('/api/v1/public/status', { cache: 'no-store' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) { if (text) update(text); })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }

  function listen() {
    if (!window.EventSource) {
      poll();
      return;
    }
    const source = new window.EventSource('/api/v1/public/events');
    EVENTS.forEach(function (name) {
      source.addEventListener(name, function (event) { update(event.data); });
    });
    /* The browser reconnects by itself after a drop; a refusal (the appliance has
     * too many listeners) closes the stream for good, and polling takes over. */
    source.addEventListener('error', function () {
      if (source.readyState === window.EventSource.CLOSED)
        poll();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('lang').addEventListener('click', function () {
      lang = lang === 'sq' ? 'en' : 'sq';
      try {
        window.localStorage.setItem('tribuna-lang', lang);
      } catch (e) { /* private browsing: the choice lasts for this page only */ }
      applyLanguage();
    });
    $('video').addEventListener('error', function () {
      if (loaded !== null && !hls)
        restartSoon();
    });
    applyLanguage();
    listen();
  });
}());
