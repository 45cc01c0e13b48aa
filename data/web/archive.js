/* The public archive: published sessions, each with its agenda; a click plays the
 * recording from that item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /archive lists GET /api/v1/public/archive; /archive/ID plays one session from
 * GET /api/v1/public/archive/ID. Links that can be shared: /archive/ID#item=5.1 starts
 * at item 5.1, /archive/ID?t=95 (or #t=95) at 95 s. The player is the browser's own HLS
 * where it has one and hls.js otherwise, as on the live page ("?player=hlsjs" forces it).
 */
'use strict';

(function () {
  const TEXT = {
    sq: {
      'brand': 'Arkivi i seancave',
      'live-link': 'Drejtpërdrejt',
      'loading': 'Duke u ngarkuar…',
      'archive-title': 'Seancat e publikuara',
      'type-filter': 'Lloji i mbledhjes',
      'all-types': 'Të gjitha',
      'empty': 'Nuk ka seanca të publikuara.',
      'back': '← Të gjitha seancat',
      'agenda': 'Rendi i ditës',
      'no-agenda': 'Kjo seancë nuk ka rend dite të shënuar.',
      'clips': 'Video të shkurtra',
      'watch': 'Shiko',
      'download': 'Shkarko',
      'not-recorded': 'pa regjistrim publik',
      'cut': 'Pjesët me dyer të mbyllura nuk publikohen.',
      'no-recording': 'Kjo seancë nuk ka regjistrim publik.',
      'not-found': 'Kjo seancë nuk është publikuar.',
      'failed': 'Arkivi nuk mund të lexohet tani. Provoni përsëri më vonë.',
      'unsupported': 'Ky shfletues nuk mund ta luajë regjistrimin. Provoni një shfletues tjetër.',
      'switch': 'English',
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
      'brand': 'Session archive',
      'live-link': 'Live',
      'loading': 'Loading…',
      'archive-title': 'Published sessions',
      'type-filter': 'Kind of meeting',
      'all-types': 'All',
      'empty': 'No session is published yet.',
      'back': '← All sessions',
      'agenda': 'Agenda',
      'no-agenda': 'This session has no agenda marked.',
      'clips': 'Clips',
      'watch': 'Watch',
      'download': 'Download',
      'not-recorded': 'no public recording',
      'cut': 'Parts held behind closed doors are not published.',
      'no-recording': 'This session has no public recording.',
      'not-found': 'This session is not published.',
      'failed': 'The archive cannot be read right now. Please try again later.',
      'unsupported': 'This browser cannot play the recording. Please try another browser.',
      'switch': 'Shqip',
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

  const params = new URLSearchParams(window.location.search);
  const forceHlsJs = params.get('player') === 'hlsjs';
  const match = /^\/archive\/(\d+)$/.exec(window.location.pathname);
  const sessionId = match ? match[1] : null;

  let lang = readLanguage();
  let sessions = null;      /* the list, once loaded */
  let session = null;       /* the one session, once loaded */
  let failure = null;       /* a TEXT key */
  let hls = null;
  let started = false;

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

  function formatDate(date) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
    return parts ? parts[3] + '.' + parts[2] + '.' + parts[1] : (date || '');
  }

  /* 3725 → "1:02:05", 65 → "1:05" */
  function formatTime(seconds) {
    const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60;
    const h = Math.floor(seconds / 3600);
    const two = function (n) { return (n < 10 ? '0' : '') + n; };
    return h > 0 ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className)
      node.className = className;
    if (text !== undefined)
      node.textContent = text;
    return node;
  }

  function getJson(url) {
    return window.fetch(url, { cache: 'no-cache' }).then(function (response) {
      if (response.status === 404)
        throw new Error('not-found');
      if (!response.ok)
        throw new Error('failed');
      return response.json();
    });
  }

  /* Where a shared link asks to start: #item=5.1, #t=95 or ?t=95; null for the start. */
  function requestedStart() {
    const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const item = hash.get('item');
    const time = Number(hash.get('t') || params.get('t'));

    if (item !== null && session) {
      const found = session.items.find(function (i) { return i.number === item; });
      if (found && found.start_ms !== null)
        return found.start_ms / 1000;
    }
    return isFinite(time) && time > 0 ? time : null;
  }

  /* The player */

  function loadHlsJs() {
    return new Promise(function (resolve, reject) {
      const script = document.createElement('script');
      script.src = '/static/hls.min.js';
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function play(video) {
    const promise = video.play();
    if (promise && promise.catch)
      promise.catch(function () { /* autoplay refused: the controls are there */ });
  }

  function seek(seconds, autoplay) {
    const video = $('video');

    if (!started) {
      startPlayer(seconds);
      return;
    }
    video.currentTime = seconds;
    if (autoplay)
      play(video);
  }

  function setNotice(key) {
    $('notice').hidden = !key;
    $('notice').textContent = key ? t(key) : '';
  }

  function startPlayer(start) {
    const video = $('video');
    const url = session.playlist;

    started = true;
    if (!forceHlsJs && video.canPlayType('application/vnd.apple.mpegurl') !== '') {
      video.addEventListener('loadedmetadata', function () {
        if (start !== null) {
          video.currentTime = start;
          play(video);
        }
      }, { once: true });
      video.src = url;
      document.body.dataset.player = 'native';
      return;
    }

    loadHlsJs().then(function () {
      if (!window.Hls || !window.Hls.isSupported()) {
        setNotice('unsupported');
        return;
      }
      /* startPosition: the first fragment fetched is the item's, not the session's first. */
      hls = new window.Hls({ workerPath: '/static/hls.worker.js',
                             startPosition: start === null ? -1 : start });
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (data.fatal && data.type === window.Hls.ErrorTypes.MEDIA_ERROR)
          hls.recoverMediaError();
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      document.body.dataset.player = 'hls.js';
      if (start !== null)
        play(video);
    }, function () {
      setNotice('unsupported');
    });
  }

  /* The list */

  function renderTypeFilter() {
    const select = $('type-filter');
    const chosen = params.get('type') || '';

    select.textContent = '';
    select.appendChild(new Option(t('all-types'), ''));
    Object.keys(TEXT.sq.types).forEach(function (code) {
      select.appendChild(new Option(typeLabel(code), code, false, code === chosen));
    });
  }

  function itemLink(s, item) {
    const li = element('li');
    const label = (item.number ? item.number + '. ' : '') + item.title;

    if (item.start_ms === null) {
      const span = element('span', 'unavailable depth-' + Math.min(item.depth, 1), label);
      span.title = t('not-recorded');
      li.appendChild(span);
      return li;
    }
    const a = element('a', 'depth-' + Math.min(item.depth, 1));
    a.href = s.page + '#item=' + encodeURIComponent(item.number || '');
    a.dataset.start = item.start_ms / 1000;
    a.appendChild(element('span', null, label));
    a.appendChild(element('span', 'time', formatTime(item.start_ms / 1000)));
    li.appendChild(a);
    return li;
  }

  function renderList() {
    const list = $('sessions');

    list.textContent = '';
    sessions.forEach(function (s) {
      const li = element('li');
      const title = element('h3');
      const link = element('a', null, s.title);
      const items = element('ol', 'items');

      link.href = s.page;
      title.appendChild(link);
      li.appendChild(element('p', 'kicker', formatDate(s.date) + ' · ' +
                             typeLabel(s.type, s.type_label) + (s.place ? ' · ' + s.place : '')));
      li.appendChild(title);
      s.items.forEach(function (item) { items.appendChild(itemLink(s, item)); });
      li.appendChild(items);
      list.appendChild(li);
    });
    $('empty').hidden = sessions.length > 0;
  }

  /* One session */

  function markCurrent() {
    const time = $('video').currentTime;
    let current = null;

    $('items').querySelectorAll('a[data-start]').forEach(function (a) {
      if (Number(a.dataset.start) <= time + 0.5)
        current = a;
      a.setAttribute('aria-current', 'false');
    });
    if (current)
      current.setAttribute('aria-current', 'true');
  }

  function renderSession() {
    const items = $('items');
    const clips = $('clips');

    document.title = session.title + ' · ' + t('brand');
    $('session-title').textContent = session.title;
    $('session-type').textContent = formatDate(session.date) + ' · ' +
      typeLabel(session.type, session.type_label) + (session.place ? ' · ' + session.place : '');
    $('cut').hidden = !session.cut;
    $('player').hidden = !session.playlist;
    setNotice(session.playlist ? null : 'no-recording');

    items.textContent = '';
    session.items.forEach(function (item) { items.appendChild(itemLink(session, item)); });
    if (session.items.length === 0)
      items.appendChild(element('li', 'muted', t('no-agenda')));

    clips.textContent = '';
    session.clips.forEach(function (clip) {
      const li = element('li');
      const watch = element('a', null, t('watch'));
      const download = element('a', null, t('download'));

      watch.href = clip.url;
      download.href = clip.url;
      download.setAttribute('download', '');
      li.appendChild(element('span', 'title', clip.title + ' (' + formatTime(clip.duration_ms / 1000) + ')'));
      li.appendChild(watch);
      li.appendChild(download);
      clips.appendChild(li);
    });
    $('clips-box').hidden = session.clips.length === 0;
    markCurrent();
  }

  function render() {
    const view = failure ? 'error' : sessionId ? (session ? 'session' : 'loading')
      : (sessions ? 'list' : 'loading');

    document.body.dataset.view = view;
    $('loading').hidden = view !== 'loading';
    $('error').hidden = !failure;
    $('error').textContent = failure ? t(failure) : '';
    $('list').hidden = view !== 'list';
    $('session').hidden = view !== 'session';
    if (view === 'list')
      renderList();
    else if (view === 'session')
      renderSession();
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t('brand');
    document.querySelectorAll('[data-i18n]').forEach(function (node) {
      node.textContent = t(node.dataset.i18n);
    });
    $('lang').textContent = t('switch');
    $('lang').lang = lang === 'sq' ? 'en' : 'sq';
    renderTypeFilter();
    render();
  }

  function loadList() {
    const type = params.get('type');
    const url = '/api/v1/public/archive' + (type ? '?type=' + encodeURIComponent(type) : '');

    getJson(url).then(function (data) {
      sessions = data.sessions;
      render();
    }, function (error) {
      failure = error.message === 'not-found' ? 'failed' : error.message;
      render();
    });
  }

  function loadSession() {
    getJson('/api/v1/public/archive/' + sessionId).then(function (data) {
      session = data;
      render();
      /* A shared link plays at once; the plain page waits for the viewer. */
      if (session.playlist)
        startPlayer(requestedStart());
    }, function (error) {
      failure = error.message;
      render();
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
    $('type-filter').addEventListener('change', function (event) {
      const type = event.target.value;
      window.location.search = type ? '?type=' + encodeURIComponent(type) : '';
    });
    /* A click on an item of this session seeks here; the address becomes its link. */
    $('items').addEventListener('click', function (event) {
      const a = event.target.closest('a[data-start]');
      if (!a || !session)
        return;
      event.preventDefault();
      window.history.replaceState(null, '', a.getAttribute('href'));
      seek(Number(a.dataset.start), true);
    });
    $('video').addEventListener('timeupdate', markCurrent);
    window.addEventListener('hashchange', function () {
      const start = requestedStart();
      if (session && session.playlist && start !== null)
        seek(start, true);
    });
    applyLanguage();
    if (sessionId)
      loadSession();
    else
      loadList();
  });
}());
